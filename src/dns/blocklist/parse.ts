// Block- and allowlists in the formats they are published in, told apart line
// by line, so one file may mix them:
//   0.0.0.0 ads.example ads2.example  hosts: any address, then names (localhost & co ignored)
//   ads.example                       a plain name
//   *.ads.example                     names below ads.example, but not ads.example itself
//   ||ads.example^                    adblock; `$important` beats exceptions (matcher.ts)
//   @@||ads.example^                  adblock exception: allows the name and below
//   /^ad[0-9]*\./  @@/.../            regexes (regex.ts)
//   # comment   ! comment   [Adblock Plus 2.0]
// Every name covers itself and all names below it, as in Blocky and in
// AdGuard's `||x^` (Pi-hole matches hosts entries exactly; lists such as
// StevenBlack's spell out the subdomains they mean anyway). Unicode names
// become punycode, the form queries carry. In an allowlist (role 'allow')
// every entry allows, whatever its syntax.
//
// Rules a DNS resolver cannot honour (cosmetic `##`, modifiers other than
// $important, URL paths) are counted as unsupported and skipped, malformed
// lines as invalid, the first 20 of them with a message; nothing throws.
// ListParser takes text in chunks and cuts it at each "\n" as it comes, so a
// list read with parseListFile (or fed from a download) is never held whole,
// nor as an array of lines; parseList is the same for text already in memory.
import { createReadStream } from 'node:fs';
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { SourceError } from '../../diagnostics/source-error.ts';
import type { RuleKind, RuleScope } from './matcher.ts';
import { compileNameRegex } from './regex.ts';
import { MAX_REGEXES } from './regex-set.ts';

/** Where parsed rules go: a DomainSetBuilder, or anything with its two methods. */
export interface RuleSink {
  add(name: string, kind: RuleKind, scope: RuleScope, list: number, line: number): void;
  /** False when the regex was not taken: the set has all it may hold. */
  addRegex(source: string, kind: RuleKind, list: number, line: number): boolean;
}

export interface ListOptions {
  /** The path or URL, for messages. */
  readonly file: string;
  /** The list's index, kept with each rule to say which list decided. */
  readonly list: number;
  /** 'allow' for allowlists: every entry allows. Default 'block'. */
  readonly role?: 'block' | 'allow';
  /** Regexes beyond this many are skipped as unsupported. Default 1000. */
  readonly maxRegexes?: number;
}

export interface ListStats {
  /** Names added as blocks (a hosts line with three names counts three). */
  blocked: number;
  /** Names added as allows. */
  allowed: number;
  /** Regexes added, of either kind (not counted above). */
  regexes: number;
  unsupported: number;
  invalid: number;
  /** Messages for the first 20 invalid lines (and the regex cap, when hit), in line order. */
  firstErrors: SourceError[];
}

const MAX_ERRORS = 20;
/** Entries of the stock /etc/hosts that lists copy along; never blocked. */
const LOCAL_NAMES = new Set(['localhost', 'localhost.localdomain', 'local', 'broadcasthost']);
/** `example.com##.ad`, `#@#`, `#?#`, `#$#`, `#%#`: element hiding and scripts. */
const COSMETIC = /^[^\s#]*#@?[?$%]{0,2}#/;
/** Characters of adblock patterns and URLs that no name holds. */
const PATTERN_CHARS = /[*^$|/:?=&,@~%]/;

export class ListParser {
  readonly #sink: RuleSink;
  readonly #file: string;
  readonly #list: number;
  readonly #allowlist: boolean;
  readonly #maxRegexes: number;
  readonly #stats: ListStats = { blocked: 0, allowed: 0, regexes: 0, unsupported: 0, invalid: 0, firstErrors: [] };
  #line = 0;
  #regexesCapped = false;
  /** The start of a line whose "\n" has not arrived yet. */
  #carry = '';

  constructor(sink: RuleSink, options: ListOptions) {
    this.#sink = sink;
    this.#file = options.file;
    this.#list = options.list;
    this.#allowlist = options.role === 'allow';
    this.#maxRegexes = options.maxRegexes ?? 1000;
  }

  /** Parses every complete line in `chunk`; chunks may split lines anywhere. */
  feed(chunk: string): this {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      this.#parseLine(this.#carry + chunk.slice(start, nl));
      this.#carry = '';
      start = nl + 1;
    }
    this.#carry += chunk.slice(start);
    return this;
  }

  /** Parses the last line (one without a "\n") and returns the totals. */
  end(): ListStats {
    if (this.#carry !== '') this.#parseLine(this.#carry);
    this.#carry = '';
    return this.#stats;
  }

  #parseLine(raw: string): void {
    this.#line++;
    const text = raw.trim(); // also drops "\r" and a byte-order mark
    if (text === '' || text[0] === '#' || text[0] === '!') return;
    if (text[0] === '[' && text.endsWith(']')) return; // `[Adblock Plus 2.0]`
    if (text.startsWith('@@')) return this.#adblock(text.slice(2), true);
    if (text[0] === '|' || text[0] === '/') return this.#adblock(text, false);
    if (COSMETIC.test(text)) return this.#unsupported();
    // Hosts or a plain name; "#" starts a comment. Tokens are cut by hand:
    // this is the path of nearly every line of a million-line list.
    const hash = text.indexOf('#');
    const body = hash < 0 ? text : text.slice(0, hash);
    const end = blankAt(body, 0);
    const first = body.slice(0, end);
    if (!isAddress(first)) {
      const extra = nonBlankAt(body, end);
      if (extra < body.length) {
        return this.#invalid(`"${clip(body.slice(extra))}" after "${clip(first)}": expected one name, or an address and names`);
      }
      return this.#domain(first, false, false);
    }
    let names = 0;
    for (let at = nonBlankAt(body, end); at < body.length; at = nonBlankAt(body, at)) {
      const next = blankAt(body, at);
      const name = body.slice(at, next);
      if (!isAddress(name)) this.#domain(name, false, false); // `0.0.0.0 0.0.0.0` is common
      names++;
      at = next;
    }
    if (names === 0) this.#invalid(`the address ${first} names no host`);
  }

  /** An adblock rule, `@@` already removed (then `exception` is true). */
  #adblock(text: string, exception: boolean): void {
    if (text[0] === '/') return this.#regex(text, exception);
    let pattern = text;
    let important = false;
    const dollar = text.indexOf('$');
    if (dollar >= 0) {
      if (text.slice(dollar + 1) !== 'important') return this.#unsupported();
      important = true;
      pattern = text.slice(0, dollar);
    }
    // `||x^` (and `||x^|`) only: without `^`, `||ads.example` also matches
    // `ads.examples.com`, and a single `|` anchors a URL; neither is a name.
    const end = pattern.endsWith('^|') ? -2 : pattern.endsWith('^') ? -1 : 0;
    if (!pattern.startsWith('||') || end === 0) return this.#unsupported();
    this.#domain(pattern.slice(2, end), exception, important);
  }

  #regex(text: string, exception: boolean): void {
    const close = text.lastIndexOf('/');
    if (close === 0) return this.#invalid(`${clip(text)}: a regex needs a closing "/"`);
    const modifiers = text.slice(close + 1);
    if (modifiers !== '' && modifiers !== '$important') return this.#unsupported();
    if (this.#stats.regexes >= this.#maxRegexes) {
      if (!this.#regexesCapped) this.#report(`more than ${this.#maxRegexes} regexes; the rest are skipped`);
      this.#regexesCapped = true;
      return this.#unsupported();
    }
    const source = text.slice(1, close);
    const refused = compileNameRegex(source);
    if (refused) return this.#invalid(`${clip(text)}: ${refused}`);
    if (!this.#sink.addRegex(source, this.#kind(exception, modifiers !== ''), this.#list, this.#line)) {
      if (!this.#regexesCapped) this.#report(`more than ${MAX_REGEXES} regexes in all the lists together; the rest are skipped`);
      this.#regexesCapped = true;
      return this.#unsupported();
    }
    this.#stats.regexes++;
  }

  /** A name, or `*.name` for the names below it only. */
  #domain(token: string, exception: boolean, important: boolean): void {
    const below = token.startsWith('*.');
    const text = below ? token.slice(2) : token;
    if (PATTERN_CHARS.test(text)) return this.#unsupported();
    const name = toName(text);
    if (typeof name !== 'string') return this.#invalid(`bad name "${clip(token)}": ${name.error}`);
    if (LOCAL_NAMES.has(name) || (name.startsWith('ip6-') && !name.includes('.'))) return;
    const kind = this.#kind(exception, important);
    this.#sink.add(name, kind, below ? 'subdomains' : 'self-and-subdomains', this.#list, this.#line);
    if (kind === 'block' || kind === 'block-important') this.#stats.blocked++;
    else this.#stats.allowed++;
  }

  #kind(exception: boolean, important: boolean): RuleKind {
    const allow = exception || this.#allowlist;
    return important ? (allow ? 'allow-important' : 'block-important') : allow ? 'allow' : 'block';
  }

  #unsupported(): void {
    this.#stats.unsupported++;
  }

  #invalid(message: string): void {
    this.#stats.invalid++;
    this.#report(message);
  }

  #report(message: string): void {
    if (this.#stats.firstErrors.length < MAX_ERRORS) this.#stats.firstErrors.push({ file: this.#file, line: this.#line, message });
  }
}

/** Parses a whole list held in a string. */
export function parseList(text: string, sink: RuleSink, options: ListOptions): ListStats {
  return new ListParser(sink, options).feed(text).end();
}

/** Parses a local file in 64 KB chunks; rejects when the file cannot be read. */
export async function parseListFile(path: string, sink: RuleSink, options: ListOptions): Promise<ListStats> {
  const parser = new ListParser(sink, options);
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })) parser.feed(chunk as string);
  return parser.end();
}

/**
 * A written name in canonical form: IDN labels to punycode, lowercase, no
 * trailing dot. Labels of letters, digits, "-" and "_" (lists hold names like
 * `_dmarc.x` and `ads-.x`), at most 63 octets, 253 in all; the last label
 * not all digits, so an address typed as a name is caught.
 */
export function toName(text: string): string | { error: string } {
  let name = text.endsWith('.') ? text.slice(0, -1) : text;
  // eslint-disable-next-line no-control-regex -- the range is ASCII, NUL included: anything outside it is a Unicode name
  if (/[^\x00-\x7f]/.test(name)) {
    name = domainToASCII(name);
    if (name === '') return { error: 'not a valid internationalized name' };
  } else name = name.toLowerCase();
  if (name === '') return { error: 'empty name' };
  if (name.length > 253) return { error: 'longer than 253 characters' };
  let label = 0;
  let digits = true;
  for (let i = 0; i <= name.length; i++) {
    const c = i < name.length ? name.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (label === 0) return { error: 'empty label' };
      if (label > 63) return { error: 'a label longer than 63 characters' };
      if (i === name.length && digits) return { error: 'the last label is all digits' };
      label = 0;
      digits = true;
    } else if ((c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f) {
      label++;
      digits = false;
    } else if (c >= 0x30 && c <= 0x39) label++;
    else return { error: `"${String.fromCharCode(c)}" is not allowed in a name` };
  }
  return name;
}

function isAddress(token: string): boolean {
  if (token === '0.0.0.0' || token === '127.0.0.1') return true;
  // Most tokens are names; isIP only for what could be an address (`fe80::1` too).
  const c = token.charCodeAt(0);
  return ((c >= 0x30 && c <= 0x39) || token.includes(':')) && isIP(token) !== 0;
}

/** The index of the first space or tab at or after `from`, or the length. */
function blankAt(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) !== 0x20 && text.charCodeAt(i) !== 0x09) i++;
  return i;
}

function nonBlankAt(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09)) i++;
  return i;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
