// dns_update.keys from the config: each key's secret, inline or from a file,
// and the zones it may change. Secret files hold either a BIND key statement
// as tsig-keygen and ddns-confgen write it,
//   key "ddns-key" { algorithm hmac-sha256; secret "base64…"; };
// or the bare base64 secret.
import { readFileSync } from 'node:fs';
import type { DnsUpdateConfig } from '../update/config.ts';
import { NameError, parseName } from '../name.ts';
import type { Name } from '../record.ts';
import { algorithmNamed, TSIG_ALGORITHMS } from './algorithms.ts';
import type { TsigAlgorithm, TsigKey } from './key.ts';
import { TsigKeyring, type GrantedKey } from './keyring.ts';

type KeyConfig = DnsUpdateConfig['keys'][number];

/** The keys that could be read, and an error for each that could not: one
 *  broken key (a missing secret_file) leaves the others working. */
export interface KeysLoad {
  readonly keyring: TsigKeyring;
  readonly errors: readonly string[];
}

/** A key the config describes wrongly; the message starts with the config path. */
export class TsigKeyError extends Error {}

export type ReadFile = (path: string) => string;
const readText: ReadFile = (path) => readFileSync(path, 'utf8');

/** Reads dns_update.keys (see dns/update/config.ts): base64 secrets inline or
 *  from secret_file (BIND key-file syntax `key "name" { algorithm ...; secret "..."; };`
 *  as written by tsig-keygen, or the bare base64). Returns keys plus the zones
 *  each may change, and errors naming the config key of each key left out. */
export function loadTsigKeys(section: DnsUpdateConfig, readFile: ReadFile = readText): KeysLoad {
  const errors: string[] = [];
  const grants: GrantedKey[] = [];
  const names = new Set<Name>();
  section.keys.forEach((entry, index) => {
    const path = `dns_update.keys[${index}]`;
    try {
      const key = readTsigKey(entry, path, readFile);
      if (names.has(key.name)) throw new TsigKeyError(`${path}.name: key "${entry.name}" is defined twice`);
      names.add(key.name);
      grants.push({ key, zones: entry.zones.map((zone, z) => configName(zone, `${path}.zones[${z}]`)) });
    } catch (error) {
      if (!(error instanceof TsigKeyError)) throw error;
      errors.push(error.message);
    }
  });
  return { keyring: new TsigKeyring(grants), errors };
}

/** One key as the config describes it (the rfc2136 dynamic-DNS provider's
 *  key has the same fields). Throws TsigKeyError naming `path`. */
export function readTsigKey(entry: Pick<KeyConfig, 'name' | 'algorithm' | 'secret' | 'secret_file'>, path: string, readFile: ReadFile = readText): TsigKey {
  const name = configName(entry.name, `${path}.name`);
  const { algorithm } = entry;
  if (entry.secret !== undefined) {
    const secret = decodeSecret(entry.secret);
    if (!secret) throw new TsigKeyError(`${path}.secret: not a base64 secret`);
    return { name, algorithm, secret };
  }
  if (entry.secret_file === undefined) throw new TsigKeyError(`${path}: a key needs exactly one of secret or secret_file`);
  let text: string;
  try {
    text = readFile(entry.secret_file);
  } catch (failure) {
    throw new TsigKeyError(`${path}.secret_file: cannot read ${entry.secret_file}: ${(failure as Error).message}`);
  }
  const secret = secretFromFile(text, name, algorithm);
  if (typeof secret === 'string') throw new TsigKeyError(`${path}.secret_file: ${entry.secret_file} ${secret}`);
  return { name, algorithm, secret };
}

interface KeyStatement {
  readonly name: string;
  readonly algorithm: string | undefined;
  readonly secret: string | undefined;
}

/** The `key` statements of a BIND config fragment (comments are #, // and
 *  slash-star, never inside quotes: base64 holds slashes). */
export function parseKeyStatements(text: string): KeyStatement[] {
  const bare = text.replace(/"[^"]*"|\/\*[\s\S]*?\*\/|\/\/[^\n]*|#[^\n]*/g, (match) => (match.startsWith('"') ? match : ' '));
  return [...bare.matchAll(/\bkey\s+(?:"([^"]*)"|([^\s{;"]+))\s*\{([^}]*)\}\s*;?/g)].map((match) => ({
    name: match[1] ?? match[2]!,
    algorithm: /\balgorithm\s+"?([^\s";]+)"?\s*;/.exec(match[3]!)?.[1],
    secret: /\bsecret\s+"([^"]*)"\s*;/.exec(match[3]!)?.[1],
  }));
}

/** The secret, or what is wrong with the file (a phrase following its path). */
function secretFromFile(text: string, name: Name, algorithm: TsigAlgorithm): Uint8Array | string {
  const statements = parseKeyStatements(text);
  if (statements.length === 0) return decodeSecret(text) ?? 'holds neither a key statement nor a base64 secret';
  const statement = statements.find((candidate) => candidate.name.toLowerCase().replace(/\.$/, '') === name);
  if (!statement) return `defines ${statements.map((s) => `"${s.name}"`).join(', ')}, not "${name}"`;
  if ((statement.algorithm === undefined ? undefined : algorithmOf(statement.algorithm)) !== algorithm) {
    return `gives key "${name}" algorithm ${statement.algorithm ?? '(none)'}, the config ${algorithm}: make them agree`;
  }
  return (statement.secret === undefined ? undefined : decodeSecret(statement.secret)) ?? `has no base64 secret for key "${name}"`;
}

/** An algorithm as people write it: `hmac-sha256`, `HMAC-MD5`, or the wire
 *  name `hmac-md5.sig-alg.reg.int.`. */
function algorithmOf(text: string): TsigAlgorithm | undefined {
  const lower = text.toLowerCase().replace(/\.$/, '');
  return TSIG_ALGORITHMS.find((algorithm) => algorithm === lower) ?? algorithmNamed(lower);
}

/** Standard base64 (RFC 4648 §4) with its padding; whitespace is ignored. */
export function decodeSecret(text: string): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact === '' || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

function configName(text: string, path: string): Name {
  try {
    return parseName(text);
  } catch (error) {
    if (error instanceof NameError) throw new TsigKeyError(`${path}: ${error.message}`);
    throw error;
  }
}
