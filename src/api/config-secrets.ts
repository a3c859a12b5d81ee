// What GET /config hides, and how PUT /config puts it back. Hidden: the
// secrets of dns_update keys and DDNS records, the command the DDNS updater
// runs, and the secret parts of URLs (a user's password, query values such
// as `?key=`, and an upstream's path past /dns-query, where DoH services put
// the profile id that is the account). A PUT may send the placeholder back
// and keep what hearth has, but only where nothing else changed: a record
// whose secret is kept must be the same record in every other field, or a
// caller could point the stored token at a server of its choosing.
import type { Config } from '../config/schema.ts';
import { badRequest } from './errors.ts';

export const REDACTED = '********';
/** Keys of dns_update keys and ddns records that hold secrets. */
const SECRET_KEYS = new Set(['secret', 'token', 'password', 'key_secret']);
/** The entries restored whole, by identity. */
const ENTRIES = ['ddns.records', 'dns_update.keys'] as const;

type Path = readonly (string | number)[];
type Json = unknown;

const keyOf = (path: Path): string => path.filter((part) => typeof part === 'string').join('.');

/** The URL with its secret parts replaced; anything else unchanged. */
export function redactUrl(text: string, isUpstream: boolean): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  if (!/^(https?|tls|udp|tcp):$/.test(url.protocol) || url.host === '') return text;
  let changed = false;
  if (url.password) {
    url.password = REDACTED;
    changed = true;
  }
  for (const key of [...url.searchParams.keys()]) {
    url.searchParams.set(key, REDACTED);
    changed = true;
  }
  if (isUpstream && url.protocol === 'https:') {
    const segments = url.pathname.split('/').filter(Boolean);
    const hidden = segments.map((segment) => (segment === 'dns-query' ? segment : REDACTED));
    if (hidden.join('/') !== segments.join('/')) {
      url.pathname = `/${hidden.join('/')}`;
      changed = true;
    }
  }
  // URL's own serialisation escapes the placeholder's asterisks in no part; it stays readable.
  return changed ? url.toString() : text;
}

/** The value at `path` as GET shows it. */
function redactValue(value: Json, path: Path): Json {
  const key = keyOf(path);
  if (key === 'ddns.ip.command') return [REDACTED];
  if (typeof value === 'string') {
    const last = path.at(-1);
    if (typeof last === 'string' && SECRET_KEYS.has(last) && ENTRIES.some((entries) => key.startsWith(`${entries}.`))) return REDACTED;
    return redactUrl(value, /(^|\.)servers$/.test(key));
  }
  if (Array.isArray(value)) return value.map((item, i) => redactValue(item, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, redactValue(item, [...path, name])]));
  }
  return value;
}

export function redact(config: Config): Config {
  return redactValue(config, []) as Config;
}

function holdsPlaceholder(value: Json): boolean {
  return JSON.stringify(value).includes(REDACTED);
}

const same = (a: Json, b: Json): boolean => JSON.stringify(a) === JSON.stringify(b);

/** DDNS records are one per provider and name, TSIG keys one per name. */
function identity(key: string, entry: Readonly<Record<string, unknown>>): string {
  return key === 'ddns.records' ? `${String(entry.provider)} ${String(entry.name)}` : String(entry.name);
}

/** `next` with every placeholder replaced by what `current` has, where
 *  that is unambiguous and nothing around it changed; otherwise 400. */
export function unredact(next: Config, current: Config): Config {
  const refuse = (path: Path, why: string) => badRequest(`${path.join('.')}: ${why}`, [{ in: 'body', path: [...path], message: why }]);
  const restore = (value: Json, path: Path, now: Json): Json => {
    if (!holdsPlaceholder(value)) return value;
    const key = keyOf(path);
    // A whole entry holding a secret: kept only if, secrets hidden, it is
    // exactly the entry hearth shows for the same identity.
    const entries = ENTRIES.find((name) => key === name && typeof path.at(-1) === 'number');
    if (entries) {
      const entry = value as Readonly<Record<string, unknown>>;
      const list = (entries === 'ddns.records' ? current.ddns.records : current.dns_update.keys) as readonly Readonly<Record<string, unknown>>[];
      const match = list.find((candidate) => identity(entries, candidate) === identity(entries, entry));
      if (match && same(redactValue(match, path), entry)) return match;
      const secret = Object.keys(entry).find((name) => holdsPlaceholder(entry[name]));
      throw refuse(
        [...path, secret ?? ''],
        match
          ? `"${REDACTED}" stands for a secret hearth has, but other fields of this entry changed: send the secret again`
          : `"${REDACTED}" stands for a secret hearth has, but it has none for this entry: send the secret itself`,
      );
    }
    if (key === 'ddns.ip.command') {
      if (same(value, redactValue(now, path))) return now;
      throw refuse(path, `"${REDACTED}" stands for the command hearth has, and cannot be part of a new one`);
    }
    if (typeof value === 'string') {
      // A URL: any URL at the same key that hides to the same text.
      const candidates = urlsAt(current, key);
      const original = candidates.find((candidate) => redactValue(candidate, path) === value);
      if (original !== undefined) return original;
      throw refuse(path, `"${REDACTED}" stands for part of a URL hearth has, but no URL here hides to this one: send the URL whole`);
    }
    if (Array.isArray(value)) return value.map((item, i) => restore(item, [...path, i], Array.isArray(now) ? now[i] : undefined));
    if (value !== null && typeof value === 'object') {
      const nowObject = (now !== null && typeof now === 'object' ? now : {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, restore(item, [...path, name], nowObject[name])]));
    }
    return value;
  };
  return restore(next, [], current) as Config;
}

/** Every string in `config` at the key `key` (array indexes left out). */
function urlsAt(config: Json, key: string, path: Path = [], out: string[] = []): string[] {
  if (typeof config === 'string') {
    if (keyOf(path) === key) out.push(config);
  } else if (Array.isArray(config)) {
    config.forEach((item, i) => urlsAt(item, key, [...path, i], out));
  } else if (config !== null && typeof config === 'object') {
    for (const [name, item] of Object.entries(config)) urlsAt(item, key, [...path, name], out);
  }
  return out;
}
