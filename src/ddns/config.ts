// The `ddns:` section of the config file: the updater for public DNS.
import { z } from 'zod';
import { cronSchedule } from '../config/types.ts';

export const ddnsSchema = z.strictObject({
  schedule: cronSchedule.prefault('*/5 * * * *'),
  ip: z.strictObject({ source: z.enum(['web', 'interface', 'command']).prefault('web') }).prefault({}),
  // Each provider has its own keys (zone_id, token_file, server, login, ...);
  // the updater validates them, so only the common ones are checked here.
  records: z.array(z.looseObject({
    provider: z.enum(['dyndns2', 'cloudflare', 'duckdns', 'rfc2136']),
    name: z.string().min(1),
  })).prefault([]),
});

export type DdnsConfig = z.output<typeof ddnsSchema>;
