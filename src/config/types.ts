// Value types shared by the config schema and, later, the API schemas: each
// one validates and normalizes a string as users write it in YAML or JSON.
import { isIP } from 'node:net';
import { validate } from 'node-cron';
import { z } from 'zod';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** `30s`, `5m`, `12h`, `7d`, `1h30m` or a bare number of seconds → seconds. */
export function parseDuration(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^(\d+[smhdw])+$/i.test(text)) return undefined;
  let seconds = 0;
  for (const [, count, unit] of text.toLowerCase().matchAll(/(\d+)([smhdw])/g)) {
    seconds += Number(count) * UNITS[unit!]!;
  }
  return seconds;
}

export const duration = z.union([z.number().int().nonnegative(), z.string()]).transform((value, ctx) => {
  const seconds = typeof value === 'number' ? value : parseDuration(value);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration (examples: 30s, 5m, 12h, 7d)` });
    return z.NEVER;
  }
  return seconds;
});

export const ipAddress = z.string().refine((value) => isIP(value) !== 0, { error: 'not an IPv4 or IPv6 address' });
export const ipv4Address = z.string().refine((value) => isIP(value) === 4, { error: 'not an IPv4 address' });

export interface Cidr { readonly address: string; readonly prefix: number; readonly family: 4 | 6 }

/** `192.168.1.0/24`, `fd00::/64`, or a bare address (a host route). */
export function parseCidr(text: string): Cidr | undefined {
  const [address = '', prefixText, extra] = text.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  return prefix <= max ? { address, prefix, family: family === 4 ? 4 : 6 } : undefined;
}

export const cidr = z.string().refine((value) => parseCidr(value) !== undefined, {
  error: (issue) => `"${String(issue.input)}" is not a CIDR (examples: 192.168.1.0/24, fd00::/64)`,
});

export interface ListenAddress { readonly host: string; readonly port: number }

/** `127.0.0.1:5353`, `[::1]:53`, `0.0.0.0` (port defaults to `defaultPort`). */
export function parseListenAddress(text: string, defaultPort: number): ListenAddress | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(text);
  const bare = isIP(text) === 6 ? [text, text, undefined] : undefined;
  const match = bracketed ?? plain ?? bare;
  if (!match || isIP(match[1]!) === 0) return undefined;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  return port >= 0 && port <= 65535 ? { host: match[1]!, port } : undefined;
}

export const listenAddress = (defaultPort: number) =>
  z.string().refine((value) => parseListenAddress(value, defaultPort) !== undefined, {
    error: (issue) => `"${String(issue.input)}" is not an address to listen on (examples: 127.0.0.1:5353, [::1]:53)`,
  });

export const macAddress = z.string().refine((value) => /^([0-9a-f]{2}[:-]?){5}[0-9a-f]{2}$/i.test(value), {
  error: 'not a MAC address (example: aa:bb:cc:dd:ee:ff)',
});

export const cronSchedule = z.string().refine((value) => validate(value), {
  error: (issue) => `"${String(issue.input)}" is not a cron schedule (example: "0 4 * * *", daily at 04:00)`,
});
