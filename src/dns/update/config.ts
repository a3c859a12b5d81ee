// The `dns_update:` section of the config file: the TSIG keys RFC 2136
// UPDATEs may be signed with, and the zones each key may change.
import { z } from 'zod';

export const dnsUpdateSchema = z.strictObject({
  keys: z
    .array(
      z
        .strictObject({
          name: z.string().min(1),
          algorithm: z.enum(['hmac-sha256', 'hmac-sha512', 'hmac-sha1', 'hmac-md5']).prefault('hmac-sha256'),
          secret: z.string().optional(),
          secret_file: z.string().optional(),
          zones: z.array(z.string()).prefault([]),
        })
        .refine((key) => (key.secret === undefined) !== (key.secret_file === undefined), {
          error: 'a key needs exactly one of secret or secret_file',
        }),
    )
    .prefault([]),
});

export type DnsUpdateConfig = z.output<typeof dnsUpdateSchema>;
