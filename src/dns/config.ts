// The `dns:` section of the config file, beside the resolver it configures:
// listen addresses, upstreams, forwarding, cache, local zones, cloaking,
// blocking and the views that override them per client network.
import { z } from 'zod';
import { ipAddress } from '../values/address.ts';
import { cidr } from '../values/cidr.ts';
import { cronSchedule } from '../values/cron.ts';
import { duration } from '../values/duration.ts';
import { listenAddress } from '../values/listen-address.ts';
import { listUrlProblem } from './blocklist/sources.ts';
import { allowSchema, maxInFlightSchema, rateLimitSchema } from './gate/config.ts';
import { parseUpstreamUrl } from './upstream/url.ts';

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

const forward = z.array(
  z.strictObject({
    domains: z.array(z.string().min(1)).min(1),
    servers: z.array(upstreamUrl).min(1),
  }),
);

const cache = z.strictObject({
  max_entries: z.number().int().nonnegative().prefault(50000),
  min_ttl: duration.prefault(0),
  max_ttl: duration.prefault(86400),
  serve_stale: z.boolean().prefault(true),
});

export const cloakingSchema = z.strictObject({
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

export const blockingSchema = z.strictObject({
  mode: z.enum(['nxdomain', 'null_ip', 'refused', 'custom_ip']).prefault('nxdomain'),
  custom_ip: z.array(ipAddress).prefault([]),
  lists: z.array(listSource).prefault(['blocklists/default.txt']),
  /** inline block rules, one a string, in any syntax a list takes ("ads.example", "||ads.example^") */
  rules: z.array(z.string()).prefault([]),
  allow: z.array(listSource).prefault([]),
  refresh: cronSchedule.prefault('0 4 * * *'),
});

/** The keys a view may override; each replaces the default view's whole key. */
const viewSettings = {
  zones_dir: z.string(),
  cloaking: cloakingSchema,
  blocking: blockingSchema,
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

export const dnsSchema = z.strictObject({
  listen: z
    .array(listenAddress(53))
    .min(1)
    .prefault(['127.0.0.1:5353'])
    .refine((list) => new Set(list).size === list.length, { error: 'an address is listed twice' }),
  allow: allowSchema,
  rate_limit: rateLimitSchema.prefault({}),
  max_in_flight: maxInFlightSchema,
  upstreams: upstreams.prefault({}),
  forward: forward.prefault([]),
  cache: cache.prefault({}),
  zones_dir: viewSettings.zones_dir.prefault('zones'),
  cloaking: cloakingSchema.prefault({}),
  blocking: blockingSchema.prefault({}),
  views: z
    .array(view)
    .prefault([])
    .refine((views) => new Set(views.map((v) => v.name)).size === views.length, { error: 'view names must be unique' }),
});

export type DnsConfig = z.output<typeof dnsSchema>;
export type CloakingConfig = DnsConfig['cloaking'];
