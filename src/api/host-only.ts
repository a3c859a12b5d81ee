// What only the owner of the host may set: commands hearth runs and the
// files and directories it reads or writes. Through the API they would make
// the token worth a shell (`ddns.ip.command`) or every file hearth can read
// (a DDNS record with `token_file: /etc/shadow` and a `server` of the
// caller's choice sends the file's content out). So a change over the API to
// such a key is refused with 403, unless the new path lies under data_dir or
// the config file's directory, both of which the owner chose.
import { isAbsolute, relative, resolve } from 'node:path';
import type { Config } from '../config/schema.ts';
import { isUrl } from '../dns/blocklist/sources.ts';
import { ApiError } from './errors.ts';

type Path = readonly (string | number)[];

/** Keys holding one path, wherever they appear. */
const PATH_KEY = /(_file|_dir)$/;
/** Keys holding a list of paths (and, for block lists, URLs). */
const PATH_LISTS = new Set(['cloaking.files', 'blocking.lists', 'blocking.allow']);
/** Commands hearth runs (argv arrays); `ha.notify` once the pair has it. */
const COMMANDS: readonly Path[] = [
  ['ddns', 'ip', 'command'],
  ['ha', 'notify'],
];

interface HostValue {
  /** The key's place with array indexes left out: `ddns.records.token_file`. */
  readonly key: string;
  readonly path: Path;
  readonly value: string;
}

/** Every path in `config`, with where it is. */
function hostValues(value: unknown, path: Path = [], out: HostValue[] = []): HostValue[] {
  const key = path.filter((part) => typeof part === 'string').join('.');
  const last = path.filter((part) => typeof part === 'string').at(-1) ?? '';
  const parent = path
    .filter((part) => typeof part === 'string')
    .slice(-2)
    .join('.');
  if (typeof value === 'string') {
    const listed = PATH_LISTS.has(parent) && !isUrl(value);
    if (PATH_KEY.test(last) || listed) out.push({ key, path, value });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => hostValues(item, [...path, i], out));
  } else if (value !== null && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) hostValues(item, [...path, name], out);
  }
  return out;
}

function isUnder(path: string, dir: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Throws 403 for a command or a path in `next` that `current` does not have
 *  at the same key, unless (for a path) it is under one of `dirs`. */
export function refuseHostOnlyChanges(next: Config, current: Config, configFile: string | undefined): void {
  for (const path of COMMANDS) {
    if (JSON.stringify(valueAt(next, path)) === JSON.stringify(valueAt(current, path))) continue;
    throw forbidden(path, 'the command hearth runs');
  }
  const dirs = [current.data_dir, ...(configFile ? [resolve(configFile, '..')] : [])];
  const known = new Set(hostValues(current).map(({ key, value }) => `${key}\0${JSON.stringify(value)}`));
  const changed = hostValues(next).filter(({ key, value }) => !known.has(`${key}\0${JSON.stringify(value)}`));
  const outside = changed.find(({ value }) => !dirs.some((dir) => isUnder(value, dir)));
  if (outside) throw forbidden(outside.path, `a path outside ${dirs.join(' and ')}`);
}

function valueAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string | number, unknown>)[key] : undefined), value);
}

function forbidden(path: Path, what: string): ApiError {
  return new ApiError(403, 'forbidden', `${path.join('.')}: ${what} is not changed over the API: edit the config file on the host`, [
    { in: 'body', path: [...path], message: 'edit the config file on the host' },
  ]);
}
