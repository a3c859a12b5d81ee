// The gate's keys under `dns:` (allow, rate_limit, max_in_flight), beside
// the code they configure. The defaults are the safe ones: only this host's
// own networks are answered, whatever dns.listen binds to.
import { z } from 'zod';
import { cidr } from '../../values/cidr.ts';
import { LOCAL } from './allow.ts';

const allowEntry = z.string().refine((value) => value === LOCAL || cidr.safeParse(value).success, {
  error: (issue) => `"${String(issue.input)}" is neither "${LOCAL}" nor a CIDR (examples: 10.8.0.0/24, fd00::/64)`,
});

export const allowSchema = z.array(allowEntry).prefault([LOCAL]);

export const rateLimitSchema = z.strictObject({
  /** Off by default: dns.allow already keeps strangers out, and a LAN's busiest
   *  client (a NAT'ed guest network, a phone opening an app) must not be cut off. */
  qps: z.number().nonnegative().prefault(0),
  burst: z.number().int().nonnegative().prefault(0),
  slip: z.number().int().min(0).max(10).prefault(2),
  ipv4_prefix: z.number().int().min(8).max(32).prefault(32),
  ipv6_prefix: z.number().int().min(16).max(128).prefault(64),
  exempt: z.array(cidr).prefault(['127.0.0.0/8', '::1/128']),
});

/** Queries waiting for an upstream at once, across all views (BIND's recursive-clients). */
export const maxInFlightSchema = z.number().int().positive().prefault(1000);
