// Decides whether a name is blocked by a set of block- and allowlists, in
// about 15 bytes a name (AdGuard Home needs ~200, Technitium ~300).
//
//   const builder = new DomainSetBuilder(previous?.size);   // a size hint avoids regrowing
//   builder.add('ads.example', 'block', 'self-and-subdomains', list, line);  // parse.ts calls these
//   builder.addRegex(/^ad[0-9]+\./, 'block', list, line);
//   const set = builder.build();     // sorts in place; the builder is spent
//   set.decide(name)                 // per query: { verdict: 'none' } or the deciding rule
//   set.explain(name)                // every matching rule, for the API and for people
//
// Names are canonical (name.ts: lowercase, no trailing dot). A name is stored
// only as its 64-bit hash (hash.ts) in parallel typed arrays sorted by hash,
// with its rule's kind, scope, list index and line beside it; a lookup hashes
// every suffix of the query name in one right-to-left pass and binary-searches
// each (the top 16 bits of the hash index a bucket table, so a search is a few
// steps). The rule's text is not kept: `rule` in a decision is the matched
// name, and the list and line say where to read the original.
//
// Precedence, the highest first (AdGuard's adblock semantics):
//   1. allow-important  `@@||x^$important`
//   2. block-important  `||x^$important`: beats exceptions and allowlists
//   3. allow            `@@||x^`, or any entry of an allowlist
//   4. block            everything else in a blocklist
// A rule for `x` covers x and every name below it; one for `*.x` (scope
// 'subdomains') only the names below. The highest kind that matches decides,
// however specific: `@@||example.com^` allows `ads.example.com` even when
// `||ads.example.com^` blocks it. Among rules of the deciding kind the most
// specific is reported: the longest matching name, then hashed names before
// regexes. Regexes are tested only when no hashed rule of a higher kind
// matched, which for a blocked name is never (unless regex allows exist).
import { labelsOf } from '../name.ts';
import { finishA, hashName, SEED_A, SEED_B, stepA, stepB } from './hash.ts';
import { sortColumns, type Columns } from './sort.ts';

export type RuleKind = 'block' | 'allow' | 'block-important' | 'allow-important';
export type RuleScope = 'self-and-subdomains' | 'subdomains';

export type Decision =
  | { readonly verdict: 'none' }
  /** `rule` is the matched name (`example.com`, `*.example.com`) or `/regex/`. */
  | { readonly verdict: 'blocked' | 'allowed'; readonly list: number; readonly line: number; readonly rule: string };

export interface Match {
  readonly kind: RuleKind;
  readonly list: number;
  readonly line: number;
  readonly rule: string;
}

/** Kinds by rank; an odd rank allows. Stored in the low two bits of `flags`. */
const KINDS: readonly RuleKind[] = ['block', 'allow', 'block-important', 'allow-important'];
const RANK = 0b11;
const TOP_RANK = 3;
/** Flag bit: the rule covers only names below its own (`*.x`). */
const BELOW_ONLY = 0b100;
const DOT = 0x2e;
const BACKSLASH = 0x5c;
/** Longer texts are not names a client can send (only \DDD escapes get there). */
const MAX_NAME = 253;

interface RegexRule { readonly regexp: RegExp; readonly rank: number; readonly list: number; readonly line: number }

const NONE: Decision = Object.freeze({ verdict: 'none' });

export class DomainSetBuilder {
  #columns: Columns;
  #size = 0;
  #regexes: RegexRule[] = [];

  /** `expected` entries are allocated up front (growth is by half after that). */
  constructor(expected = 0) {
    this.#columns = allocate(Math.max(1024, expected));
  }

  /** Adds a rule for a canonical name (`list` up to 65535). */
  add(name: string, kind: RuleKind, scope: RuleScope, list: number, line: number): void {
    checkList(list);
    if (this.#size === this.#columns.hi.length) this.#grow();
    const { hi, lo } = hashName(name);
    const c = this.#columns;
    const at = this.#size++;
    c.hi[at] = hi;
    c.lo[at] = lo;
    c.flags[at] = KINDS.indexOf(kind) | (scope === 'subdomains' ? BELOW_ONLY : 0);
    c.list[at] = list;
    c.line[at] = line;
  }

  /** Adds a regex tested against whole names (search semantics: anchor it with ^ and $). */
  addRegex(regexp: RegExp, kind: RuleKind, list: number, line: number): void {
    checkList(list);
    // A global or sticky regex would carry lastIndex from one query to the next.
    const clean = regexp.global || regexp.sticky ? new RegExp(regexp.source, regexp.flags.replace(/[gy]/g, '')) : regexp;
    this.#regexes.push({ regexp: clean, rank: KINDS.indexOf(kind), list, line });
  }

  /** Sorts, drops duplicate rules (keeping the first list and line) and trims. */
  build(): DomainSet {
    const c = this.#columns;
    sortColumns(c, this.#size);
    let kept = 0;
    for (let i = 0; i < this.#size; i++) {
      if (kept > 0 && c.hi[i] === c.hi[kept - 1] && c.lo[i] === c.lo[kept - 1] && c.flags[i] === c.flags[kept - 1]) continue;
      c.hi[kept] = c.hi[i]!;
      c.lo[kept] = c.lo[i]!;
      c.flags[kept] = c.flags[i]!;
      c.list[kept] = c.list[i]!;
      c.line[kept] = c.line[i]!;
      kept++;
    }
    // One column at a time, so a trim never holds two copies of everything.
    if (kept < c.hi.length) {
      c.hi = c.hi.slice(0, kept);
      c.lo = c.lo.slice(0, kept);
      c.flags = c.flags.slice(0, kept);
      c.list = c.list.slice(0, kept);
      c.line = c.line.slice(0, kept);
    }
    // Highest rank first; the sort is stable, so list order within a rank.
    const regexes = this.#regexes.sort((a, b) => b.rank - a.rank);
    this.#columns = allocate(0);
    this.#size = 0;
    this.#regexes = [];
    return new DomainSet(c, regexes);
  }

  #grow(): void {
    const c = this.#columns;
    const size = Math.ceil(c.hi.length * 1.5);
    c.hi = grown(c.hi, new Uint32Array(size));
    c.lo = grown(c.lo, new Uint32Array(size));
    c.flags = grown(c.flags, new Uint8Array(size));
    c.list = grown(c.list, new Uint16Array(size));
    c.line = grown(c.line, new Uint32Array(size));
  }
}

/** An immutable set of rules; made by DomainSetBuilder.build(). */
export class DomainSet {
  readonly #c: Columns;
  readonly #regexes: readonly RegexRule[];
  /** Entries whose hash starts with top bits b lie in [buckets[b], buckets[b + 1]). */
  readonly #buckets: Uint32Array;
  readonly #shift: number;

  constructor(columns: Columns, regexes: readonly RegexRule[]) {
    this.#c = columns;
    this.#regexes = regexes;
    // ~8 entries a bucket, at most 2^16 buckets (256 KB).
    const bits = Math.min(20, Math.max(1, Math.floor(Math.log2(columns.hi.length + 1)) - 0));
    this.#shift = 32 - bits;
    const buckets = new Uint32Array((1 << bits) + 1);
    for (const hi of columns.hi) buckets[(hi >>> this.#shift) + 1]!++;
    for (let b = 1; b < buckets.length; b++) buckets[b]! += buckets[b - 1]!;
    this.#buckets = buckets;
  }

  /** Hashed rules after duplicates were dropped. */
  get size(): number { return this.#c.hi.length; }
  get regexCount(): number { return this.#regexes.length; }
  /** Bytes held in typed arrays (the regexes aside). */
  get byteLength(): number {
    const c = this.#c;
    return c.hi.byteLength + c.lo.byteLength + c.flags.byteLength + c.list.byteLength + c.line.byteLength + this.#buckets.byteLength;
  }

  /** The rule that decides a canonical name; see the file header for precedence. */
  decide(name: string): Decision {
    const { hi, lo, flags } = this.#c;
    let best = -1;
    let bestRank = -1;
    let bestStart = 0;
    let a = SEED_A;
    let b = SEED_B;
    // Right to left: at each label boundary the state is the hash of the
    // suffix after it; i = -1 stands for the boundary before the first label.
    for (let i = name.length - 1; ; i--) {
      const code = i < 0 ? DOT : name.charCodeAt(i);
      if (code === DOT && i + 1 < name.length && !isEscaped(name, i)) {
        const h = finishA(a);
        const l = b >>> 0;
        for (let k = this.#find(h, l); k < hi.length && hi[k] === h && lo[k] === l; k++) {
          const f = flags[k]!;
          // `*.x` does not cover x itself: the suffix must not be the whole name.
          if ((f & RANK) >= bestRank && (i >= 0 || (f & BELOW_ONLY) === 0)) {
            best = k;
            bestRank = f & RANK;
            bestStart = i + 1;
          }
        }
      }
      if (i < 0) break;
      a = stepA(a, code);
      b = stepB(b, code);
    }
    if (bestRank < TOP_RANK && name.length <= MAX_NAME) {
      for (const r of this.#regexes) {
        if (r.rank <= bestRank) break;
        if (r.regexp.test(name)) return verdict(r.rank, r.list, r.line, `/${r.regexp.source}/`);
      }
    }
    if (best < 0) return NONE;
    const rule = (flags[best]! & BELOW_ONLY ? '*.' : '') + name.slice(bestStart);
    return verdict(bestRank, this.#c.list[best]!, this.#c.line[best]!, rule);
  }

  /** Every rule matching a canonical name: the most specific name first, then regexes. */
  explain(name: string): Match[] {
    const { hi, lo, flags, list, line } = this.#c;
    const matches: Match[] = [];
    const labels = labelsOf(name);
    for (let first = 0; first < labels.length; first++) {
      const suffix = labels.slice(first).join('.');
      const key = hashName(suffix);
      for (let k = this.#find(key.hi, key.lo); k < hi.length && hi[k] === key.hi && lo[k] === key.lo; k++) {
        const f = flags[k]!;
        if (first === 0 && f & BELOW_ONLY) continue;
        matches.push({ kind: KINDS[f & RANK]!, list: list[k]!, line: line[k]!, rule: (f & BELOW_ONLY ? '*.' : '') + suffix });
      }
    }
    for (const r of this.#regexes) {
      if (name.length <= MAX_NAME && r.regexp.test(name)) {
        matches.push({ kind: KINDS[r.rank]!, list: r.list, line: r.line, rule: `/${r.regexp.source}/` });
      }
    }
    return matches;
  }

  /** The first index whose hash is not below (h, l). */
  #find(h: number, l: number): number {
    const { hi, lo } = this.#c;
    const bucket = h >>> this.#shift;
    let left = this.#buckets[bucket]!;
    let right = this.#buckets[bucket + 1]!;
    while (left < right) {
      const mid = (left + right) >>> 1;
      const m = hi[mid]!;
      if (m < h || (m === h && lo[mid]! < l)) left = mid + 1;
      else right = mid;
    }
    return left;
  }
}

function verdict(rank: number, list: number, line: number, rule: string): Decision {
  return { verdict: rank & 1 ? 'allowed' : 'blocked', list, line, rule };
}

/** True when the dot at `at` is written `\.`, i.e. part of a label. */
function isEscaped(name: string, at: number): boolean {
  let slashes = 0;
  for (let i = at - 1; i >= 0 && name.charCodeAt(i) === BACKSLASH; i--) slashes++;
  return slashes % 2 === 1;
}

function checkList(list: number): void {
  if (!Number.isInteger(list) || list < 0 || list > 0xffff) throw new RangeError(`list index ${list} is not in 0..65535`);
}

function allocate(size: number): Columns {
  return {
    hi: new Uint32Array(size),
    lo: new Uint32Array(size),
    flags: new Uint8Array(size),
    list: new Uint16Array(size),
    line: new Uint32Array(size),
  };
}

function grown<T extends Uint8Array | Uint16Array | Uint32Array>(old: T, next: T): T {
  next.set(old);
  return next;
}
