// The `ddns:` section of the config file: the updater for public DNS. Each
// record names its provider and carries that provider's keys; secrets come
// inline (token, password, key_secret) or from a file (…_file), never both.
//
// Keys a record may leave out get their defaults where the provider is built
// (RECORD_DEFAULTS), not here: the config shown by the API stays as written.
import { isIP } from 'node:net';
import { z } from 'zod';
import { cronSchedule } from '../values/cron.ts';
import { duration } from '../values/duration.ts';
import { isAtOrBelow, parseName } from '../dns/name.ts';

/** Well-known "what is my IP" endpoints that answer with the bare address.
 *  Each is asked over a connection of its family, so dual-stack ones serve both. */
export const DEFAULT_IP_URLS = {
  v4: ['https://api.ipify.org', 'https://ipv4.icanhazip.com', 'https://v4.ident.me', 'https://ifconfig.co/ip'],
  v6: ['https://api6.ipify.org', 'https://ipv6.icanhazip.com', 'https://v6.ident.me', 'https://ifconfig.co/ip'],
} as const;

export const RECORD_DEFAULTS = {
  dyndns2: { server: 'https://members.dyndns.org' },
  /** ttl 1 is Cloudflare's "automatic"; both apply only to records hearth creates. */
  cloudflare: { api_url: 'https://api.cloudflare.com/client/v4', ttl: 1, proxied: false },
  duckdns: { server: 'https://www.duckdns.org' },
  rfc2136: { key_algorithm: 'hmac-sha256', ttl: 300 },
} as const;

const httpUrl = z.url({ protocol: /^https?$/, error: 'not an http(s) URL' });
const urlList = z.array(httpUrl).min(2, { error: 'at least two URLs: two answers must agree' });

/** Characters that mean something to a shell: a command written with them
 *  was meant for one, and is run without one now. */
const SHELL_SYNTAX = /[|&;<>()$`\\"'*?[\]#~=%!{}\n]/;

/** An argument array; a plain string of words is split into one, and a
 *  string that needs a shell must say so: ["/bin/sh", "-c", "..."]. */
const commandSchema = z.union([z.tuple([z.string().min(1)], z.string().min(1)), z.string().trim().min(1)]).transform((value, ctx): [string, ...string[]] => {
  if (typeof value !== 'string') return value;
  if (SHELL_SYNTAX.test(value)) {
    ctx.addIssue({ code: 'custom', message: 'shell syntax in a command string: write the command as an argument array, e.g. ["/bin/sh", "-c", "..."]' });
  }
  const [file = '', ...args] = value.split(/\s+/);
  return [file, ...args];
});

const ip = z
  .strictObject({
    source: z.enum(['web', 'interface', 'command']).prefault('web'),
    /** Which address families to keep up to date; the other is left alone. */
    v4: z.boolean().prefault(true),
    v6: z.boolean().prefault(true),
    /** source web: the endpoints asked, per family. */
    urls: z
      .strictObject({
        v4: urlList.prefault([...DEFAULT_IP_URLS.v4]),
        v6: urlList.prefault([...DEFAULT_IP_URLS.v6]),
      })
      .prefault({}),
    /** source interface: the interface whose global address is used (eth0). */
    interface: z.string().min(1).optional(),
    /** source command: an argument array, run without a shell; the first global address of each family in its output is used. */
    command: commandSchema.optional(),
    timeout: duration.pipe(z.number().min(1)).prefault('10s'),
  })
  .refine((value) => value.v4 || value.v6, {
    error: 'at least one of v4 and v6 must be true',
    path: ['v4'],
  })
  .refine((value) => value.source !== 'interface' || value.interface !== undefined, {
    error: 'source interface needs ip.interface',
    path: ['interface'],
  })
  .refine((value) => value.source !== 'command' || value.command !== undefined, {
    error: 'source command needs ip.command',
    path: ['command'],
  });

const hostName = z.string().refine(
  (value) => {
    try {
      return parseName(value) !== '';
    } catch {
      return false;
    }
  },
  { error: 'not a domain name' },
);

/** Exactly one of `key` and `key_file`. */
function oneSecret(key: string): [(record: Readonly<Record<string, unknown>>) => boolean, { error: string; path: string[] }] {
  return [
    (record) => (record[key] === undefined) !== (record[`${key}_file`] === undefined),
    { error: `needs exactly one of ${key} or ${key}_file`, path: [key] },
  ];
}

const secretText = z.string().min(1).optional();

const dyndns2 = z
  .strictObject({
    provider: z.literal('dyndns2'),
    name: hostName,
    server: httpUrl.optional(),
    login: z.string().min(1),
    password: secretText,
    password_file: secretText,
  })
  .refine(...oneSecret('password'));

const cloudflare = z
  .strictObject({
    provider: z.literal('cloudflare'),
    name: hostName,
    zone_id: z.string().min(1),
    /** An API token scoped to Zone.DNS:Edit of this zone. */
    token: secretText,
    token_file: secretText,
    api_url: httpUrl.optional(),
    ttl: z
      .number()
      .int()
      .refine((ttl) => ttl === 1 || (ttl >= 30 && ttl <= 86400), { error: '1 (automatic) or 30..86400' })
      .optional(),
    proxied: z.boolean().optional(),
  })
  .refine(...oneSecret('token'));

const duckdns = z
  .strictObject({
    provider: z.literal('duckdns'),
    /** `myhome` or `myhome.duckdns.org`. */
    name: hostName,
    token: secretText,
    token_file: secretText,
    server: httpUrl.optional(),
  })
  .refine(...oneSecret('token'));

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

/** `192.0.2.53`, `ns1.example.com:5353`, `[2001:db8::53]:5353`, `2001:db8::53` (port 53 unless given). */
export function parseServerAddress(text: string): ServerAddress | undefined {
  if (isIP(text) === 6) return { host: text, port: 53 };
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const match = bracketed ?? /^([^:[\]]+)(?::(\d+))?$/.exec(text);
  if (!match) return undefined;
  const host = match[1]!;
  const port = match[2] === undefined ? 53 : Number(match[2]);
  const hostOk = bracketed ? isIP(host) === 6 : isIP(host) === 4 || (!/^[\d.]+$/.test(host) && hostName.safeParse(host).success);
  return hostOk && port >= 1 && port <= 65535 ? { host, port } : undefined;
}

const serverAddress = z.string().refine((value) => parseServerAddress(value) !== undefined, {
  error: 'not a server address (examples: 192.0.2.53, ns1.example.com:53, [2001:db8::53]:5353)',
});

const rfc2136 = z
  .strictObject({
    provider: z.literal('rfc2136'),
    name: hostName,
    /** The primary authoritative server of the zone, `host[:port]`. */
    server: serverAddress,
    zone: hostName,
    key_name: hostName,
    key_algorithm: z.enum(['hmac-sha256', 'hmac-sha512', 'hmac-sha1', 'hmac-md5']).optional(),
    /** Base64, as tsig-keygen prints it; key_secret_file may also hold tsig-keygen's whole key statement. */
    key_secret: secretText,
    key_secret_file: secretText,
    ttl: duration.pipe(z.number().max(2_147_483_647)).optional(),
  })
  .refine(...oneSecret('key_secret'))
  .refine((record) => isAtOrBelow(parseName(record.name), parseName(record.zone)), {
    error: 'the name is not in the zone',
    path: ['name'],
  });

const record = z.discriminatedUnion('provider', [dyndns2, cloudflare, duckdns, rfc2136]);

export const ddnsSchema = z.strictObject({
  schedule: cronSchedule.prefault('*/5 * * * *'),
  ip: ip.prefault({}),
  records: z
    .array(record)
    .prefault([])
    .refine((records) => new Set(records.map((r) => `${r.provider} ${parseName(r.name)}`)).size === records.length, {
      error: 'a record is listed twice (same provider and name)',
    }),
});

export type DdnsConfig = z.output<typeof ddnsSchema>;
export type DdnsRecordConfig = DdnsConfig['records'][number];
export type IpConfig = DdnsConfig['ip'];
