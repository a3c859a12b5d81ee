// The config file's schema: the single source of truth for every key, its
// type and its default. Every key has a default, so `{}` is a working config
// (the one `npm start` runs). Objects are strict: a misspelt key is an error,
// not a silently ignored setting.
import { z } from 'zod';
import { listUrlProblem } from '../dns/blocklist/sources.ts';
import { parseUpstreamUrl } from '../dns/upstream/url.ts';
import { ddnsSchema } from '../ddns/config.ts';
import { dhcpSchema } from '../dhcp/config.ts';
import { allowSchema, maxInFlightSchema, rateLimitSchema } from '../dns/gate/config.ts';
import { cidr, cronSchedule, duration, ipAddress, listenAddress } from './types.ts';

const upstreamUrl = z.string().superRefine((value, ctx) => {
  try {
    parseUpstreamUrl(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

const upstreams = z.strictObject({
  // None by default: names outside the local zones are refused until the
  // owner chooses where to send them (hearth.example.yaml suggests Quad9).
  servers: z.array(upstreamUrl).prefault([]),
  strategy: z.enum(['parallel_best', 'fastest', 'failover', 'round_robin']).prefault('parallel_best'),
  bootstrap: z.array(ipAddress).prefault(['9.9.9.9']),
  timeout_ms: z.number().int().positive().prefault(2000),
  /** PEM CAs trusted for tls:// and https:// upstreams besides the system's. */
  ca_file: z.string().optional(),
});

const forward = z.array(z.strictObject({
  domains: z.array(z.string().min(1)).min(1),
  servers: z.array(upstreamUrl).min(1),
}));

const cache = z.strictObject({
  max_entries: z.number().int().nonnegative().prefault(50000),
  min_ttl: duration.prefault(0),
  max_ttl: duration.prefault(86400),
  serve_stale: z.boolean().prefault(true),
});

const cloaking = z.strictObject({
  /** dnscrypt-proxy cloaking-rules files */
  files: z.array(z.string()).prefault([]),
  /** the same syntax inline, one rule a string */
  rules: z.array(z.string()).prefault([]),
  /** TTL of synthesized answers (dnscrypt-proxy's cloak_ttl) */
  ttl: duration.pipe(z.number().max(2_147_483_647)).prefault(600), // RFC 2181 §8
});

/** A file, or an https:// URL. */
const listSource = z.string().superRefine((value, ctx) => {
  const problem = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? listUrlProblem(value) : undefined;
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const blocking = z.strictObject({
  mode: z.enum(['nxdomain', 'null_ip', 'refused', 'custom_ip']).prefault('nxdomain'),
  custom_ip: z.array(ipAddress).prefault([]),
  lists: z.array(listSource).prefault(['blocklists/default.txt']),
  allow: z.array(listSource).prefault([]),
  refresh: cronSchedule.prefault('0 4 * * *'),
});

/** The keys a view may override; each replaces the default view's whole key. */
const viewSettings = {
  zones_dir: z.string(),
  cloaking,
  blocking,
  upstreams,
  forward,
};

const view = z.strictObject({
  name: z.string().min(1),
  clients: z.array(cidr).min(1),
  zones_dir: viewSettings.zones_dir.optional(),
  cloaking: viewSettings.cloaking.optional(),
  blocking: viewSettings.blocking.optional(),
  upstreams: viewSettings.upstreams.optional(),
  forward: viewSettings.forward.optional(),
});

const dns = z.strictObject({
  listen: z.array(listenAddress(53)).min(1).prefault(['127.0.0.1:5353'])
    .refine((list) => new Set(list).size === list.length, { error: 'an address is listed twice' }),
  allow: allowSchema,
  rate_limit: rateLimitSchema.prefault({}),
  max_in_flight: maxInFlightSchema,
  upstreams: upstreams.prefault({}),
  forward: forward.prefault([]),
  cache: cache.prefault({}),
  zones_dir: viewSettings.zones_dir.prefault('zones'),
  cloaking: cloaking.prefault({}),
  blocking: blocking.prefault({}),
  views: z.array(view).prefault([]).refine(
    (views) => new Set(views.map((v) => v.name)).size === views.length,
    { error: 'view names must be unique' },
  ),
});

const dnsUpdate = z.strictObject({
  keys: z.array(z.strictObject({
    name: z.string().min(1),
    algorithm: z.enum(['hmac-sha256', 'hmac-sha512', 'hmac-sha1', 'hmac-md5']).prefault('hmac-sha256'),
    secret: z.string().optional(),
    secret_file: z.string().optional(),
    zones: z.array(z.string()).prefault([]),
  }).refine((key) => (key.secret === undefined) !== (key.secret_file === undefined), {
    error: 'a key needs exactly one of secret or secret_file',
  })).prefault([]),
});

const ha = z.strictObject({
  enabled: z.boolean().prefault(false),
  node_id: z.string().prefault('hearth'),
  priority: z.number().int().min(1).max(254).prefault(100),
  interface: z.string().prefault('eth0'),
  vip: cidr.optional(),
  listen: listenAddress(5399).prefault('0.0.0.0:5399'),
  peers: z.array(listenAddress(5399)).prefault([]),
  advert_interval_ms: z.number().int().positive().prefault(250),
  secret_file: z.string().optional(),
});

const api = z.strictObject({
  listen: listenAddress(8053).prefault('127.0.0.1:8053'),
  token_file: z.string().prefault('./data/api.token'),
});

const querylog = z.strictObject({
  enabled: z.boolean().prefault(true),
  /** Rows older than this are deleted. */
  retention: duration.pipe(z.number().positive()).prefault('7d'),
  /** At most this many rows are kept (~100 bytes each on disk); the oldest go first. */
  max_rows: z.number().int().positive().prefault(1_000_000),
});

export const configSchema = z.strictObject({
  data_dir: z.string().prefault('./data'),
  dns: dns.prefault({}),
  dhcp: dhcpSchema.prefault({}),
  ddns: ddnsSchema.prefault({}),
  dns_update: dnsUpdate.prefault({}),
  ha: ha.prefault({}),
  api: api.prefault({}),
  querylog: querylog.prefault({}),
});

export type Config = z.output<typeof configSchema>;
export type DnsConfig = Config['dns'];
export type CloakingConfig = DnsConfig['cloaking'];

// The API validates its bodies with the same pieces the config file uses.
export { blocking as blockingSchema, cloaking as cloakingSchema };
