// A record's secret, inline in the config or in a file beside it. The file
// is read at every run, so a corrected token takes effect without a reload,
// and lifts a stop caused by the old one: the record's identity includes the
// file's version (never its content, which state.db must not hold even
// hashed: a weak password could be guessed back from it).
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import type { DdnsRecordConfig } from './config.ts';

/** The key that holds each provider's secret (and `<key>_file`, its file). */
export const SECRET_KEY = { dyndns2: 'password', cloudflare: 'token', duckdns: 'token', rfc2136: 'key_secret' } as const;

export type SecretRead =
  | {
      readonly ok: true;
      readonly secret: string;
      /** The file it came from (an rfc2136 key file may hold a whole BIND key statement). */
      readonly file?: string;
      /** Changes when the file does; empty for an inline secret, which is part of the record. */
      readonly version: string;
    }
  | { readonly ok: false; readonly reason: string };

export function readRecordSecret(record: DdnsRecordConfig): SecretRead {
  const key = SECRET_KEY[record.provider];
  const entry = record as Readonly<Record<string, unknown>>;
  const inline = entry[key];
  if (typeof inline === 'string') return { ok: true, secret: inline, version: '' };
  const path = entry[`${key}_file`] as string;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const { mtimeMs, size, ino } = fstatSync(fd);
    const secret = readFileSync(fd, 'utf8').trim();
    if (!secret) return { ok: false, reason: `${key}_file ${path} is empty` };
    return { ok: true, secret, file: path, version: `${path} ${ino} ${size} ${mtimeMs}` };
  } catch (error) {
    return { ok: false, reason: `${key}_file ${path} cannot be read: ${(error as Error).message}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
