// Parser for RFC 1035 §5 master files ("zone files"), producing records with
// their RDATA already in wire form. Every problem becomes a line-numbered
// error and parsing goes on with the next record, so one run reports them all.
import { isIPv4, isIPv6 } from 'node:net';
import { NameError, nameFromWire, nameToWire, parseName } from '../name.ts';
import { RRClass, RRType } from '../record.ts';
import type { Name, ResourceRecord } from '../record.ts';

export interface ZoneFileError {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface ZoneFileOptions {
  readonly file: string;
  readonly origin: Name;
  readonly defaultTtl?: number;
}

/** Thrown inside the parser for a bad record; caught per record. */
class ZoneError extends Error {}

const MAX_TTL = 2147483647; // RFC 2181 §8
const UNIT_SECONDS: Readonly<Record<string, number>> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };

/** A TTL or SOA timer: plain seconds, or BIND-style units such as 1h30m or 1W.
 *  Undefined when malformed or above 2^31-1. */
export function ttlFromText(text: string): number | undefined {
  let seconds = 0;
  if (/^\d+$/.test(text)) seconds = Number(text);
  else if (/^(\d+[wdhms])+$/i.test(text)) {
    for (const [, count, unit] of text.matchAll(/(\d+)([wdhms])/gi)) {
      seconds += Number(count) * UNIT_SECONDS[unit!.toLowerCase()]!;
    }
  } else return undefined;
  return seconds <= MAX_TTL ? seconds : undefined;
}

// ---- Tokenizer -------------------------------------------------------------

interface Token {
  /** Text with quotes removed and escapes (\X, \DDD) still unresolved. */
  readonly text: string;
  readonly quoted: boolean;
}

/** One logical line: a directive or a record, possibly spanning lines. */
interface Entry {
  /** Line where the entry starts; errors about the entry point here. */
  readonly line: number;
  /** A line starting with whitespace reuses the previous owner (RFC 1035 §5.1). */
  readonly inheritsOwner: boolean;
  readonly tokens: Token[];
  /** Why the entry cannot be parsed (quote or parenthesis trouble). */
  error?: string;
}

/** Splits the text into entries. Parentheses join lines, ";" starts a
 *  comment outside quotes (RFC 1035 §5.1). */
function tokenize(text: string): Entry[] {
  const entries: Entry[] = [];
  const lines = text.split('\n');
  let entry: Entry = { line: 1, inheritsOwner: false, tokens: [] };
  let depth = 0;
  const finish = (): void => {
    if (entry.error !== undefined || entry.tokens.length > 0) entries.push(entry);
  };
  for (const [index, source] of lines.entries()) {
    if (depth === 0) {
      finish();
      entry = { line: index + 1, inheritsOwner: /^[ \t]/.test(source), tokens: [] };
    }
    let i = 0;
    while (i < source.length) {
      const ch = source[i]!;
      if (ch === ' ' || ch === '\t' || ch === '\r') i++;
      else if (ch === ';') break;
      else if (ch === '(') { depth++; i++; }
      else if (ch === ')') {
        if (depth > 0) depth--;
        else entry.error ??= 'unbalanced parentheses: ")" without "("';
        i++;
      } else if (ch === '"') {
        const end = scan(source, i + 1, (c) => c === '"');
        if (end >= source.length) {
          entry.error ??= 'unterminated quoted string';
          depth = 0; // quotes never span lines, so the next line starts afresh
          break;
        }
        entry.tokens.push({ text: source.slice(i + 1, end), quoted: true });
        i = end + 1;
      } else {
        const end = Math.min(scan(source, i, (c) => /[ \t\r;()"]/.test(c)), source.length);
        entry.tokens.push({ text: source.slice(i, end), quoted: false });
        i = end;
      }
    }
  }
  if (depth > 0) entry.error ??= 'unbalanced parentheses: "(" is never closed';
  finish();
  return entries;
}

/** Index of the first character from `start` that `stops`, skipping escapes. */
function scan(source: string, start: number, stops: (ch: string) => boolean): number {
  let i = start;
  while (i < source.length && !stops(source[i]!)) i += source[i] === '\\' ? 2 : 1;
  return i;
}

// ---- Records ---------------------------------------------------------------

interface State {
  origin: Name;
  dollarTtl: number | undefined;
  owner: Name | undefined;
  lastTtl: number | undefined;
  readonly defaultTtl: number | undefined;
}

export function parseZoneFile(text: string, options: ZoneFileOptions): { records: ResourceRecord[]; errors: ZoneFileError[] } {
  const records: ResourceRecord[] = [];
  const errors: ZoneFileError[] = [];
  const report = (line: number, message: string): void => {
    errors.push({ file: options.file, line, message });
  };
  const state: State = { origin: options.origin, dollarTtl: undefined, owner: undefined, lastTtl: undefined, defaultTtl: options.defaultTtl };
  for (const entry of tokenize(text)) {
    if (entry.error !== undefined) {
      report(entry.line, entry.error);
      continue;
    }
    const first = entry.tokens[0]!; // entries without an error have tokens
    try {
      if (!entry.inheritsOwner && !first.quoted && first.text.startsWith('$')) applyDirective(entry.tokens, state);
      else records.push(parseRecord(entry, state));
    } catch (error) {
      if (!(error instanceof ZoneError || error instanceof NameError)) throw error;
      report(entry.line, error.message);
    }
  }
  return { records, errors };
}

function applyDirective(tokens: readonly Token[], state: State): void {
  const directive = tokens[0]!.text.toUpperCase();
  if (directive === '$INCLUDE') throw new ZoneError('$INCLUDE is not supported');
  if (directive !== '$ORIGIN' && directive !== '$TTL') throw new ZoneError(`unknown directive ${tokens[0]!.text}`);
  if (tokens.length !== 2) throw new ZoneError(`${directive} takes exactly one argument`);
  const argument = tokens[1]!.text;
  if (directive === '$ORIGIN') {
    state.origin = parseName(argument, state.origin); // RFC 1035 §5.1: relative to the current origin
  } else {
    state.dollarTtl = ttlFromText(argument) ?? badTtl(argument); // RFC 2308 §4
  }
}

function badTtl(text: string): never {
  throw new ZoneError(`bad TTL "${text}": expected 0-${MAX_TTL} seconds or a duration such as 1h30m`);
}

/** `<owner> [<TTL>] [<class>] <type> <RDATA>`, TTL and class in either order (RFC 1035 §5.1). */
function parseRecord(entry: Entry, state: State): ResourceRecord {
  const tokens = entry.tokens;
  let at = 0;
  if (!entry.inheritsOwner) state.owner = parseName(tokens[at++]!.text, state.origin);
  const owner = state.owner;
  if (owner === undefined) throw new ZoneError('the line starts with whitespace (same owner as before) but no record precedes it');
  let ttl: number | undefined;
  let classSeen = false;
  for (let text = tokens[at]?.text ?? ''; ; text = tokens[at]?.text ?? '') {
    if (ttl === undefined && /^\d/.test(text)) ttl = ttlFromText(text) ?? badTtl(text);
    else if (!classSeen && /^(IN|CH|CS|HS|CLASS\d+)$/i.test(text)) {
      if (!/^(IN|CLASS1)$/i.test(text)) throw new ZoneError(`class ${text} is not supported (only IN)`);
      classSeen = true;
    } else break;
    at++;
  }
  const typeText = tokens[at++]?.text.toUpperCase();
  if (typeText === undefined) throw new ZoneError('missing record type');
  const type = typeFromText(typeText);
  const rdata = rdataFromTokens(type, typeText, tokens.slice(at), state.origin);
  // Explicit, then $TTL, then the previous record's (RFC 1035 §5.1), then the
  // caller's default; an SOA heading a file without $TTL uses its own minimum as BIND does.
  ttl ??= state.dollarTtl ?? state.lastTtl ?? state.defaultTtl ?? (type === RRType.SOA ? soaMinimum(rdata) : 3600);
  state.lastTtl = ttl;
  return { name: owner, type, class: RRClass.IN, ttl, rdata };
}

function typeFromText(text: string): number {
  const generic = /^TYPE(\d{1,5})$/.exec(text); // RFC 3597 §5
  const code = generic ? Number(generic[1]) : Object.hasOwn(RRType, text) ? RRType[text as keyof typeof RRType] : undefined;
  if (code === undefined || code > 0xffff) throw new ZoneError(`unsupported record type ${text}`);
  // RFC 6895 §3.1: OPT and the query-only types 128-255 never live in a zone.
  if (code === 0 || code === RRType.OPT || (code >= 128 && code <= 255)) throw new ZoneError(`${text} cannot appear in a zone file`);
  return code;
}

function soaMinimum(rdata: Uint8Array): number {
  return new DataView(rdata.buffer, rdata.byteOffset + rdata.length - 4, 4).getUint32(0);
}

// ---- RDATA -----------------------------------------------------------------

/** Field kinds of the RDATA layouts below; `strings` takes all remaining tokens. */
type Field = 'ipv4' | 'ipv6' | 'name' | 'u8' | 'u16' | 'u32' | 'duration' | 'tag' | 'value' | 'strings';

const FORMATS: ReadonlyMap<number, readonly Field[]> = new Map<number, readonly Field[]>([
  [RRType.A, ['ipv4']],
  [RRType.AAAA, ['ipv6']],
  [RRType.NS, ['name']],
  [RRType.CNAME, ['name']],
  [RRType.PTR, ['name']],
  [RRType.MX, ['u16', 'name']], // preference exchange
  [RRType.TXT, ['strings']],
  [RRType.SRV, ['u16', 'u16', 'u16', 'name']], // RFC 2782: priority weight port target
  // RFC 1035 §3.3.13: mname rname serial refresh retry expire minimum
  [RRType.SOA, ['name', 'name', 'u32', 'duration', 'duration', 'duration', 'duration']],
  [RRType.CAA, ['u8', 'tag', 'value']], // RFC 8659 §4.1: flags tag value
]);

const FIXED_SIZE: Partial<Record<Field, number>> = { ipv4: 4, ipv6: 16, u8: 1, u16: 2, u32: 4, duration: 4 };

function rdataFromTokens(type: number, typeText: string, tokens: readonly Token[], origin: Name): Uint8Array {
  const format = FORMATS.get(type);
  if (tokens[0]?.text === '\\#' && !tokens[0].quoted) {
    const rdata = genericRdata(tokens.slice(1));
    // RFC 3597 §5: generic data for a known type must still be valid for it.
    if (format && !fitsFormat(format, rdata)) throw new ZoneError(`the \\# data is not valid ${typeText} RDATA`);
    return rdata;
  }
  if (!format) throw new ZoneError(`${typeText} records must be written in RFC 3597 generic form: \\# <length> <hex>`);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const field of format) {
    if (field === 'strings') {
      if (at >= tokens.length) throw new ZoneError(`${typeText} needs at least one string`);
      while (at < tokens.length) parts.push(characterString(tokens[at++]!.text));
      continue;
    }
    const token = tokens[at++];
    if (token === undefined) throw new ZoneError(`${typeText} needs ${format.length} fields, got ${tokens.length}`);
    parts.push(encodeField(field, token.text, origin));
  }
  if (at < tokens.length) throw new ZoneError(`unexpected "${tokens[at]!.text}" after the ${typeText} data`);
  return concat(parts);
}

function encodeField(field: Exclude<Field, 'strings'>, text: string, origin: Name): Uint8Array {
  switch (field) {
    case 'ipv4':
      if (!isIPv4(text)) throw new ZoneError(`bad IPv4 address "${text}"`);
      return Uint8Array.from(text.split('.'), Number);
    case 'ipv6':
      if (!isIPv6(text) || text.includes('%')) throw new ZoneError(`bad IPv6 address "${text}"`);
      return ipv6Bytes(text);
    case 'name': return nameToWire(parseName(text, origin));
    case 'u8': return bigEndian(unsigned(text, 0xff), 1);
    case 'u16': return bigEndian(unsigned(text, 0xffff), 2);
    case 'u32': return bigEndian(unsigned(text, 0xffffffff), 4);
    case 'duration': return bigEndian(ttlFromText(text) ?? badTtl(text), 4);
    case 'tag': // RFC 8659 §4.1.1: letters and digits only
      if (!/^[a-z0-9]{1,255}$/i.test(text)) throw new ZoneError(`bad CAA tag "${text}"`);
      return concat([Uint8Array.of(text.length), new TextEncoder().encode(text)]);
    case 'value': return unescape(text);
  }
}

function unsigned(text: string, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Infinity;
  if (value > max) throw new ZoneError(`"${text}" is not a number from 0 to ${max}`);
  return value;
}

function bigEndian(value: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1, rest = value; i >= 0; i--, rest = Math.floor(rest / 256)) out[i] = rest % 256;
  return out;
}

/** RFC 4291 §2.2 text (with "::" and an optional dotted IPv4 tail) to 16 bytes. */
function ipv6Bytes(text: string): Uint8Array {
  const hex = text.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a: string, b: string, c: string, d: string) =>
    `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`);
  const [head = '', tail] = hex.split('::');
  const groupsOf = (part: string | undefined): string[] => (part ? part.split(':') : []);
  const left = groupsOf(head);
  const right = groupsOf(tail);
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return concat(groups.map((group) => bigEndian(parseInt(group, 16), 2)));
}

/** A `<character-string>`: one length octet, then at most 255 bytes (RFC 1035 §3.3). */
function characterString(text: string): Uint8Array {
  const bytes = unescape(text);
  if (bytes.length > 255) throw new ZoneError(`string of ${bytes.length} bytes is longer than 255: split it into several quoted strings`);
  return concat([Uint8Array.of(bytes.length), bytes]);
}

/** Resolves `\X` and `\DDD` escapes (RFC 1035 §5.1); other text is taken as UTF-8. */
function unescape(text: string): Uint8Array {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (const [whole, decimal, escaped] of text.matchAll(/\\(\d{3})|\\([^]?)|[^\\]+/gu)) {
    if (decimal !== undefined) {
      if (Number(decimal) > 255) throw new ZoneError(`bad escape \\${decimal}`);
      bytes.push(Number(decimal));
    } else if (escaped === '') throw new ZoneError('dangling backslash');
    else bytes.push(...encoder.encode(escaped ?? whole));
  }
  return Uint8Array.from(bytes);
}

/** RFC 3597 §5: `\# <length> <hex...>`, the hex possibly split by whitespace. */
function genericRdata(tokens: readonly Token[]): Uint8Array {
  const lengthText = tokens[0]?.text ?? '';
  const length = /^\d{1,5}$/.test(lengthText) ? Number(lengthText) : Infinity;
  if (length > 0xffff) throw new ZoneError(`\\# needs a length from 0 to 65535, got "${lengthText}"`);
  const hex = tokens.slice(1).map((token) => token.text).join('');
  if (!/^([0-9a-f]{2})*$/i.test(hex)) throw new ZoneError('the \\# data must be hexadecimal digits in pairs');
  const rdata = Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
  if (rdata.length !== length) throw new ZoneError(`\\# length ${length} does not match the ${rdata.length} bytes of data`);
  return rdata;
}

/** Whether wire RDATA has the layout of `format`; names must be well formed. */
function fitsFormat(format: readonly Field[], rdata: Uint8Array): boolean {
  let at = 0;
  for (const field of format) {
    const size = FIXED_SIZE[field];
    if (size !== undefined) at += size;
    else if (field === 'name') at = nameFromWire(rdata, at).end;
    else if (field === 'value') at = rdata.length;
    else if (field === 'tag') at += 1 + (rdata[at] || Infinity); // a tag is never empty
    else {
      // strings: one or more length-prefixed character-strings filling the rest
      do at += 1 + (rdata[at] ?? Infinity); while (at < rdata.length);
    }
    if (at > rdata.length) return false;
  }
  return at === rdata.length;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
