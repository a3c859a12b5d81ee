// Zone files in the master file format of RFC 1035 §5, read into records with
// their RDATA already in wire form. A small tokenizer turns the text into
// entries (one record or directive each, parentheses joining lines), then each
// entry is parsed on its own: an error is reported with its line and parsing
// goes on, so one run lists every mistake in the file.
import type { SourceError } from '../../diagnostics/source-error.ts';
import { parseDuration } from '../../values/duration.ts';
import { ipv4Bytes, ipv6Bytes } from '../../net/address.ts';
import { NameError, nameToWire, parseName } from '../name.ts';
import { RRClass, RRType } from '../record.ts';
import type { Name, ResourceRecord } from '../record.ts';

const MAX_TTL = 2_147_483_647; // RFC 2181 §8
const DEFAULT_TTL = 3600;
const MAX_RDATA = 65_535;

class ZoneError extends Error {}

function fail(message: string): never {
  throw new ZoneError(message);
}

/** A token for messages: quoted, control bytes escaped, long ones cut short. */
function show(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

// ---------------------------------------------------------------- tokenizer

interface Token { readonly text: string; readonly quoted: boolean }

/** One record or directive: the tokens of a line, or of lines joined by "(" … ")". */
interface Entry {
  /** The line it starts on; every error of the entry points here. */
  readonly line: number;
  /** Starts with whitespace, so its owner is the previous one (RFC 1035 §5.1). */
  readonly indented: boolean;
  readonly tokens: Token[];
  error?: string;
}

const DELIMITERS = ' \t\r\n();"';

/** RFC 1035 §5.1: blanks separate items, ";" starts a comment, "(" … ")"
 *  continue an entry over line ends, "\X" quotes a character. */
function tokenize(text: string): Entry[] {
  const entries: Entry[] = [];
  let entry: Entry | undefined;
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  const current = (at: number): Entry => (entry ??= { line, indented: at !== lineStart, tokens: [] });
  const problem = (at: number, message: string): void => { current(at).error ??= message; };
  const flush = (): void => {
    if (entry && (entry.tokens.length > 0 || entry.error !== undefined)) entries.push(entry);
    entry = undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') {
      if (depth === 0) flush();
      line++;
      lineStart = i + 1;
    } else if (ch === ';') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (ch === '(') {
      current(i);
      depth++;
    } else if (ch === ')') {
      if (depth === 0) problem(i, 'unbalanced parenthesis: ")" without "("');
      else depth--;
    } else if (ch === '"') {
      // A quoted string ends on its line; BIND rejects a bare newline inside one too.
      const end = scan(text, i + 1, (c) => c === '"' || c === '\n');
      const closed = text[end] === '"';
      if (closed) current(i).tokens.push({ text: text.slice(i + 1, end), quoted: true });
      else problem(i, `unterminated quoted string: ${show(text.slice(i, end))}`);
      i = closed ? end : end - 1;
    } else if (!DELIMITERS.includes(ch)) {
      const end = scan(text, i, (c) => DELIMITERS.includes(c));
      current(i).tokens.push({ text: text.slice(i, end), quoted: false });
      i = end - 1;
    }
  }
  if (depth > 0) problem(text.length, 'unbalanced parenthesis: "(" is never closed');
  flush();
  return entries;
}

/** Index of the first character from `start` that `stop` accepts, stepping over `\X`. */
function scan(text: string, start: number, stop: (ch: string) => boolean): number {
  let i = start;
  while (i < text.length && !stop(text[i]!)) i += text[i] === '\\' && text[i + 1] !== '\n' ? 2 : 1;
  return Math.min(i, text.length);
}

// ------------------------------------------------------------------- parser

interface State {
  origin: Name;
  /** From $TTL (RFC 2308 §4). */
  defaultTtl: number | undefined;
  /** The SOA minimum, the default TTL when there is no $TTL (as BIND does). */
  soaMinimum: number | undefined;
  /** The last owner written out, for entries that start with a blank. */
  owner: Name | undefined;
}

export function parseZoneFile(text: string, options: { file: string; origin: Name }): { records: ResourceRecord[]; errors: SourceError[] } {
  const records: ResourceRecord[] = [];
  const errors: SourceError[] = [];
  const state: State = { origin: options.origin, defaultTtl: undefined, soaMinimum: undefined, owner: undefined };
  for (const entry of tokenize(text.replace(/^\uFEFF/, ''))) {
    try {
      if (entry.error !== undefined) fail(entry.error);
      const first = entry.tokens[0]!;
      if (!first.quoted && first.text.startsWith('$')) directive(first, entry.tokens.slice(1), state);
      else records.push(parseRecord(entry, state));
    } catch (error) {
      if (!(error instanceof ZoneError || error instanceof NameError)) throw error;
      errors.push({ file: options.file, line: entry.line, message: error.message });
    }
  }
  return { records, errors };
}

/** RFC 1035 §5.1 $ORIGIN and RFC 2308 §4 $TTL; $INCLUDE is refused. */
function directive(keyword: Token, args: Token[], state: State): void {
  const name = keyword.text.toUpperCase();
  if (name === '$INCLUDE') fail('$INCLUDE is not supported');
  if (name !== '$ORIGIN' && name !== '$TTL') fail(`unknown directive ${show(keyword.text)}`);
  const [arg] = args;
  if (arg === undefined || args.length > 1) fail(`${name} takes exactly one argument`);
  if (name === '$ORIGIN') state.origin = parseName(arg.text, state.origin);
  else state.defaultTtl = parseTtl(arg.text);
}

/** `<owner> [<TTL>] [<class>] <type> <RDATA>`, TTL and class in either order (RFC 1035 §5.1). */
function parseRecord(entry: Entry, state: State): ResourceRecord {
  let rest = entry.tokens;
  let name: Name;
  if (entry.indented) {
    name = state.owner ?? fail('no owner name: the first record must start in the first column');
  } else {
    name = state.owner = parseName(rest[0]!.text, state.origin);
    rest = rest.slice(1);
  }
  let ttl: number | undefined;
  for (let k = 0; k < 2; k++) {
    const text = rest[0]?.text ?? '';
    if (ttl === undefined && /^\d/.test(text)) ttl = parseTtl(text);
    else if (/^(IN|CH|HS|CS|NONE|ANY|CLASS\d+)$/i.test(text)) checkClass(text);
    else break;
    rest = rest.slice(1);
  }
  const [typeToken, ...args] = rest;
  if (typeToken === undefined) fail('missing record type');
  const type = parseType(typeToken.text);
  const rdata = encodeRdata(type, args, state.origin);
  if (rdata.length > MAX_RDATA) fail(`record data is ${rdata.length} bytes, more than ${MAX_RDATA}`);
  if (type === RRType.SOA && rdata.length >= 4) {
    const minimum = new DataView(rdata.buffer, rdata.byteOffset, rdata.length).getUint32(rdata.length - 4);
    state.soaMinimum = Math.min(minimum, MAX_TTL);
  }
  return { name, type, class: RRClass.IN, ttl: ttl ?? state.defaultTtl ?? state.soaMinimum ?? DEFAULT_TTL, rdata };
}

function parseTtl(text: string): number {
  const seconds = parseDuration(text);
  if (seconds === undefined || seconds > MAX_TTL) {
    fail(`bad TTL ${show(text)} (expected 0..${MAX_TTL} seconds or a duration like 1h, 7d)`);
  }
  return seconds;
}

function checkClass(text: string): void {
  const upper = text.toUpperCase();
  if (upper !== 'IN' && upper !== 'CLASS1') fail(`class ${show(text)} is not supported (only IN)`);
}

const TYPE_NAMES = new Map<string, number>(
  (['A', 'AAAA', 'CNAME', 'NS', 'PTR', 'MX', 'TXT', 'SRV', 'SOA', 'CAA', 'HTTPS', 'SVCB'] as const)
    .map((name) => [name, RRType[name]]),
);

/** The mnemonic parseType reads back: a known one, else `TYPEnnn` (RFC 3597 §5). */
export function typeName(type: number): string {
  for (const [name, code] of TYPE_NAMES) if (code === type) return name;
  return `TYPE${type}`;
}

/** A known mnemonic, or `TYPEnnn` for any type (RFC 3597 §5); throws with the reason otherwise. */
export function parseType(text: string): number {
  const upper = text.toUpperCase();
  const known = TYPE_NAMES.get(upper);
  if (known !== undefined) return known;
  const generic = /^TYPE(\d{1,5})$/.exec(upper);
  if (generic && Number(generic[1]) <= 0xffff) return Number(generic[1]);
  return fail(`unsupported record type ${show(text)}`);
}

// -------------------------------------------------------------------- RDATA

type Field = 'ipv4' | 'ipv6' | 'name' | 'u8' | 'u16' | 'u32' | 'timer' | 'tag' | 'value' | 'strings';

/** The presentation fields of each type, with the word used in messages.
 *  A 'strings' field takes every remaining token (TXT, RFC 1035 §3.3.14). */
const FORMATS = new Map<number, ReadonlyArray<readonly [Field, string]>>([
  [RRType.A, [['ipv4', 'address']]], // RFC 1035 §3.4.1
  [RRType.AAAA, [['ipv6', 'address']]], // RFC 3596 §2.2
  [RRType.NS, [['name', 'nameserver']]],
  [RRType.CNAME, [['name', 'target']]],
  [RRType.PTR, [['name', 'target']]],
  [RRType.MX, [['u16', 'preference'], ['name', 'exchange']]], // RFC 1035 §3.3.9
  [RRType.TXT, [['strings', 'text']]],
  [RRType.SRV, [['u16', 'priority'], ['u16', 'weight'], ['u16', 'port'], ['name', 'target']]], // RFC 2782
  [RRType.SOA, [['name', 'mname'], ['name', 'rname'], ['u32', 'serial'], // RFC 1035 §3.3.13
    ['timer', 'refresh'], ['timer', 'retry'], ['timer', 'expire'], ['timer', 'minimum']]],
  [RRType.CAA, [['u8', 'flags'], ['tag', 'tag'], ['value', 'value']]], // RFC 8659 §4.1
]);

function encodeRdata(type: number, args: Token[], origin: Name): Uint8Array {
  if (args[0]?.text === '\\#' && !args[0].quoted) return genericRdata(args.slice(1));
  const format = FORMATS.get(type) ?? fail(`${typeName(type)} presentation format is not supported; use \\# generic syntax`);
  const variadic = format.at(-1)?.[0] === 'strings';
  if (variadic ? args.length < format.length : args.length !== format.length) {
    const usage = format.map(([, word]) => word).join(' ');
    fail(`${typeName(type)} needs ${variadic ? 'at least ' : ''}${format.length} field(s) (${usage}), got ${args.length}`);
  }
  return concat(format.map(([field, word], k) => field === 'strings'
    ? concat(args.slice(k).map((arg) => characterString(arg.text)))
    : encodeField(field, word, args[k]!.text, origin)));
}

/** RFC 3597 §5: `\# <length> <hex>`, the hex optionally split by blanks. */
function genericRdata([length, ...hexParts]: Token[]): Uint8Array {
  if (length === undefined || !/^\d+$/.test(length.text)) fail(`\\# needs a decimal length, got ${show(length?.text ?? '')}`);
  const hex = hexParts.map((part) => part.text).join('');
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) fail(`bad hex after \\#: ${show(hex)}`);
  const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
  if (bytes.length !== Number(length.text)) fail(`\\# length ${length.text} does not match the ${bytes.length} byte(s) of hex given`);
  return bytes;
}

function encodeField(field: Exclude<Field, 'strings'>, word: string, text: string, origin: Name): Uint8Array {
  switch (field) {
    case 'ipv4': return ipv4Bytes(text) ?? fail(`not an IPv4 address: ${show(text)}`);
    case 'ipv6': return (text.includes('%') ? undefined : ipv6Bytes(text)) ?? fail(`not an IPv6 address: ${show(text)}`);
    case 'name': return nameToWire(parseName(text, origin));
    case 'u8': return integer(text, word, 1, false);
    case 'u16': return integer(text, word, 2, false);
    case 'u32': return integer(text, word, 4, false);
    case 'timer': return integer(text, word, 4, true);
    case 'tag':
      if (!/^[a-z0-9]+$/i.test(text)) fail(`bad CAA tag ${show(text)} (letters and digits only)`);
      return characterString(text);
    case 'value': return textBytes(text);
  }
}

/** An unsigned big-endian integer of `size` bytes; SOA timers may be durations like 1h. */
function integer(text: string, word: string, size: number, duration: boolean): Uint8Array {
  const max = 2 ** (8 * size) - 1;
  const value = duration ? parseDuration(text) : /^\d+$/.test(text) ? Number(text) : undefined;
  if (value === undefined || value > max) {
    fail(`bad ${word} ${show(text)} (expected 0..${max}${duration ? ' or a duration like 1h' : ''})`);
  }
  const out = new Uint8Array(size);
  for (let k = size - 1, rest = value; k >= 0; k--, rest = Math.floor(rest / 256)) out[k] = rest % 256;
  return out;
}

/** A <character-string>: a length byte, then at most 255 bytes (RFC 1035 §3.3). */
function characterString(text: string): Uint8Array {
  const bytes = textBytes(text);
  if (bytes.length > 255) fail(`string longer than 255 bytes: ${show(text)}`);
  return concat([Uint8Array.of(bytes.length), bytes]);
}

const ENCODER = new TextEncoder();

/** The bytes of text as written, resolving `\X` and `\DDD` (RFC 1035 §5.1). */
function textBytes(text: string): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const part of text.split(/(\\\d{3}|\\[\s\S])/u)) {
    if (/^\\\d{3}$/.test(part)) {
      const value = Number(part.slice(1));
      if (value > 255) fail(`bad escape ${part} in ${show(text)}`);
      parts.push(Uint8Array.of(value));
    } else if (part.startsWith('\\') && part.length > 1) {
      parts.push(ENCODER.encode(part.slice(1)));
    } else if (part.includes('\\')) {
      fail(`dangling backslash in ${show(text)}`);
    } else parts.push(ENCODER.encode(part));
  }
  return concat(parts);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) { out.set(part, at); at += part.length; }
  return out;
}
