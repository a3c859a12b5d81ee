// A record's secret, inline in the config or in a file beside it. The file
// is read at every run, so a corrected token takes effect without a reload
// (and lifts a stop caused by the old one: the record's identity includes it).
import { readFileSync } from 'node:fs';
import type { DdnsRecordConfig } from './config.ts';

/** The key that holds each provider's secret (and `<key>_file`, its file). */
export const SECRET_KEY = { dyndns2: 'password', cloudflare: 'token', duckdns: 'token', rfc2136: 'key_secret' } as const;

export type SecretRead =
  /** `file`: the file it came from (an rfc2136 key file may hold a whole BIND key statement). */
  | { readonly ok: true; readonly secret: string; readonly file?: string }
  | { readonly ok: false; readonly reason: string };

export function readRecordSecret(record: DdnsRecordConfig, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): SecretRead {
  const key = SECRET_KEY[record.provider];
  const entry = record as Readonly<Record<string, unknown>>;
  const inline = entry[key];
  if (typeof inline === 'string') return { ok: true, secret: inline };
  const path = entry[`${key}_file`] as string;
  try {
    const secret = readFile(path).trim();
    return secret ? { ok: true, secret, file: path } : { ok: false, reason: `${key}_file ${path} is empty` };
  } catch (error) {
    return { ok: false, reason: `${key}_file ${path} cannot be read: ${(error as Error).message}` };
  }
}
