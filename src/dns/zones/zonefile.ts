// Zone files in the master file format of RFC 1035 §5, read into records with
// their RDATA already in wire form. tokenize.ts cuts the text into entries
// (one record or directive each); each entry is parsed on its own: an error
// is reported with its file and line and parsing goes on, so one run lists
// every mistake. $INCLUDE (RFC 1035 §5.1), $ORIGIN, $TTL (RFC 2308 §4) and
// BIND's $GENERATE are read as named-checkzone reads them.
import { dirname, resolve } from 'node:path';
import type { SourceError } from '../../diagnostics/source-error.ts';
import { isAtOrBelow, NameError, parseName } from '../name.ts';
import { RRClass, RRType } from '../record.ts';
import type { Name, ResourceRecord } from '../record.ts';
import { expandGenerate } from './generate.ts';
import { rdataFromText } from './rdata-text.ts';
import { parseType } from './rr-types.ts';
import { fail, MAX_TTL, parseTtl, show, ZoneSyntaxError, type Token } from './syntax.ts';
import { tokenize, type Entry } from './tokenize.ts';

const DEFAULT_TTL = 3600;
/** Deeper than any real layout of files, shallow enough to stop a chain of includes early. */
const MAX_INCLUDE_DEPTH = 16;

export interface ZoneFileOptions {
  readonly file: string;
  /** The zone's apex: the first $ORIGIN, and records outside it are left out with a warning. */
  readonly origin: Name;
  /** Reads a file $INCLUDE names (resolved against the including file's folder); without it $INCLUDE is refused. */
  readonly readFile?: (path: string) => string;
}

export interface ParsedZoneFile {
  readonly records: ResourceRecord[];
  readonly errors: SourceError[];
  /** Out-of-zone records, skipped as BIND skips them ("ignoring out-of-zone data"). */
  readonly warnings: SourceError[];
}

/** What one file being read has of its own: $INCLUDE gives the included file its own origin and owner. */
interface Scope {
  readonly file: string;
  origin: Name;
  /** The last owner written out, for entries that start with a blank. */
  owner: Name | undefined;
}

/** What the whole read shares, included files too. */
interface Reading {
  readonly options: ZoneFileOptions;
  readonly result: ParsedZoneFile;
  /** The files being read, outermost first: an include of one of them is a loop. */
  readonly stack: string[];
  /** From $TTL (RFC 2308 §4), or the MINIMUM of an SOA written before any TTL (as BIND takes it). */
  defaultTtl: number | undefined;
  /** The TTL last written on a record: RFC 1035 §5.1's default when there is no $TTL. */
  lastTtl: number | undefined;
}

export function parseZoneFile(text: string, options: ZoneFileOptions): ParsedZoneFile {
  const reading: Reading = {
    options, result: { records: [], errors: [], warnings: [] }, stack: [resolve(options.file)], defaultTtl: undefined, lastTtl: undefined,
  };
  readText(text, { file: options.file, origin: options.origin, owner: undefined }, reading);
  return reading.result;
}

function readText(text: string, scope: Scope, reading: Reading): void {
  for (const entry of tokenize(text.replace(/^\uFEFF/, ''))) {
    try {
      if (entry.error !== undefined) fail(entry.error);
      const first = entry.tokens[0]!;
      if (!first.quoted && first.text.startsWith('$') && !entry.indented) directive(entry, scope, reading);
      else addRecord(parseRecord(entry.tokens, entry.indented, scope, reading), entry, scope, reading);
    } catch (error) {
      if (!(error instanceof ZoneSyntaxError || error instanceof NameError)) throw error;
      reading.result.errors.push({ file: scope.file, line: entry.line, message: error.message });
    }
  }
}

function addRecord(record: ResourceRecord, entry: Entry, scope: Scope, reading: Reading): void {
  if (isAtOrBelow(record.name, reading.options.origin)) reading.result.records.push(record);
  else reading.result.warnings.push({ file: scope.file, line: entry.line, message: `ignoring out-of-zone data (${record.name || '.'})` });
}

function directive(entry: Entry, scope: Scope, reading: Reading): void {
  const [keyword, ...args] = entry.tokens as [Token, ...Token[]];
  const name = keyword.text.toUpperCase();
  const one = (): string => {
    if (args.length !== 1) fail(`${name} takes exactly one argument`);
    return args[0]!.text;
  };
  switch (name) {
    case '$ORIGIN': scope.origin = parseName(one(), scope.origin); return;
    case '$TTL': reading.defaultTtl = parseTtl(one()); return;
    case '$INCLUDE': return include(args, scope, reading);
    case '$GENERATE':
      // Each generated record is checked as if written out; the first error stops the directive.
      for (const tokens of expandGenerate(args)) addRecord(parseRecord(tokens, false, { ...scope }, reading), entry, scope, reading);
      return;
    default: fail(`unknown directive ${show(keyword.text)}`);
  }
}

/** RFC 1035 §5.1 `$INCLUDE <file> [<origin>]`: the origin given (or the current one) holds inside the
 *  included file only; the owner carries in, as BIND does, and is the includer's again after. */
function include(args: Token[], scope: Scope, reading: Reading): void {
  const [file, origin] = args;
  if (file === undefined || args.length > 2) fail('$INCLUDE takes a file name and an optional origin');
  const read = reading.options.readFile ?? fail('$INCLUDE is not allowed here');
  const path = resolve(dirname(scope.file), file.text);
  if (reading.stack.includes(path)) fail(`$INCLUDE loop: ${show(file.text)} is already being read`);
  if (reading.stack.length >= MAX_INCLUDE_DEPTH) fail(`$INCLUDE nested more than ${MAX_INCLUDE_DEPTH} deep`);
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    return fail(`cannot read $INCLUDE file ${show(file.text)}: ${(error as Error).message}`);
  }
  const inner: Scope = { file: path, origin: origin ? parseName(origin.text, scope.origin) : scope.origin, owner: scope.owner };
  reading.stack.push(path);
  try {
    readText(text, inner, reading);
  } finally {
    reading.stack.pop();
  }
}

/** `<owner> [<TTL>] [<class>] <type> <RDATA>`, TTL and class in either order (RFC 1035 §5.1). */
function parseRecord(tokens: readonly Token[], indented: boolean, scope: Scope, reading: Reading): ResourceRecord {
  let rest = tokens;
  let name: Name;
  if (indented) {
    name = scope.owner ?? fail('no owner name: the first record must start in the first column');
  } else {
    name = scope.owner = parseName(rest[0]!.text, scope.origin);
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
  const rdata = rdataFromText(type, args, scope.origin);
  if (ttl !== undefined) reading.lastTtl = ttl;
  else if (type === RRType.SOA && reading.defaultTtl === undefined && reading.lastTtl === undefined) {
    // BIND: with no $TTL and no TTL written yet, the SOA takes its MINIMUM, which then stands as $TTL would.
    ttl = reading.defaultTtl = Math.min(new DataView(rdata.buffer, rdata.byteOffset, rdata.length).getUint32(rdata.length - 4), MAX_TTL);
  }
  return { name, type, class: RRClass.IN, ttl: ttl ?? reading.defaultTtl ?? reading.lastTtl ?? DEFAULT_TTL, rdata };
}

function checkClass(text: string): void {
  const upper = text.toUpperCase();
  if (upper !== 'IN' && upper !== 'CLASS1') fail(`class ${show(text)} is not supported (only IN)`);
}
