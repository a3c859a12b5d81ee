// Decides whether a name is blocked by a set of block- and allowlists, in
// about 17 bytes a name (AdGuard Home needs ~200, Technitium ~300).
//
//   const builder = new DomainSetBuilder(previous?.size);   // a size hint avoids regrowing
//   builder.add('ads.example', 'block', 'self-and-subdomains', list, line);  // parse.ts calls these
//   builder.addRegex('^ad[0-9]+\\.', 'block', list, line);   // regex-set.ts matches these
//   const set = builder.build();     // sorts in place; the builder is spent
//   set.decide(name)                 // per query: { verdict: 'none' } or the deciding rule
//   set.explain(name)                // every matching rule, for the API and for people
//
// Names are canonical (name.ts: lowercase, no trailing dot). A name is stored
// only as its 64-bit hash (hash.ts) in typed arrays sorted by hash, with its
// rule's kind, scope, list index and line beside it (sort.ts); a lookup hashes
// every suffix of the query name in one right-to-left pass and binary-searches
// each (the top 16 bits of the hash index a bucket table, so a search is a few
// steps). Most suffixes are not listed (`com` and `example.com` of a blocked
// `ads.example.com`), so a bitmap of 4 to 8 bits per entry, small enough to stay
// in the CPU cache, rules out ~80% of them before the big arrays are touched:
// that halves the cost of a decision whose entries are not in the cache
// already. The rule's text is not kept: `rule` in a decision is the matched
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
import { MAX_REGEXES, RegexSet, type RegexRule } from './regex-set.ts';
import { sortEntries, type Entries } from './sort.ts';

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

/** Kinds by rank; an odd rank allows. Stored in the low two bits of the flags. */
const KINDS: readonly RuleKind[] = ['block', 'allow', 'block-important', 'allow-important'];
const RANK = 0b11;
const TOP_RANK = 3;
/** Flag bit: the rule covers only names below its own (`*.x`). */
const BELOW_ONLY = 0b100;
const DOT = 0x2e;
const BACKSLASH = 0x5c;
/** Longer texts are not names a client can send (only \DDD escapes get there). */
const MAX_NAME = 253;

const NONE: Decision = Object.freeze({ verdict: 'none' });

export class DomainSetBuilder {
  #entries: Entries;
  #size = 0;
  #regexes: RegexRule[] = [];

  /** `expected` entries are allocated up front (growth is by half after that). */
  constructor(expected = 0) {
    this.#entries = allocate(Math.max(1024, expected));
  }

  /** Adds a rule for a canonical name (`list` up to 65535). */
  add(name: string, kind: RuleKind, scope: RuleScope, list: number, line: number): void {
    checkList(list);
    if (this.#size === this.#entries.hi.length) this.#grow();
    const key = hashName(name);
    const { hi, data } = this.#entries;
    const at = this.#size++;
    const flags = KINDS.indexOf(kind) | (scope === 'subdomains' ? BELOW_ONLY : 0);
    hi[at] = key.hi;
    data[3 * at] = key.lo;
    data[3 * at + 1] = (flags << 16) | list;
    data[3 * at + 2] = line;
  }

  /** Adds a regex (RE2 syntax, compileRe2 accepted it) tested against whole
   *  names (search semantics: anchor it with ^ and $). False, and nothing
   *  added, once the set holds MAX_REGEXES from all its lists together. */
  addRegex(source: string, kind: RuleKind, list: number, line: number): boolean {
    checkList(list);
    if (this.#regexes.length >= MAX_REGEXES) return false;
    this.#regexes.push({ source, rank: KINDS.indexOf(kind), list, line });
    return true;
  }

  /** Sorts, drops duplicate rules (keeping the first list and line) and trims. */
  build(): DomainSet {
    const { hi, data } = this.#entries;
    sortEntries(this.#entries, this.#size);
    let kept = 0;
    for (let i = 0; i < this.#size; i++) {
      const k = kept - 1;
      // The same hash and flags (the top half of the second word): a duplicate.
      if (k >= 0 && hi[i] === hi[k] && data[3 * i] === data[3 * k] && data[3 * i + 1]! >>> 16 === data[3 * k + 1]! >>> 16) continue;
      hi[kept] = hi[i]!;
      data.copyWithin(3 * kept, 3 * i, 3 * i + 3);
      kept++;
    }
    // Copies to the exact size only when that saves more than an eighth: a
    // copy briefly holds both arrays, which a reload at about the same size
    // (given the old size as `expected`) thus never does.
    const trim = kept < hi.length - (hi.length >>> 3);
    const entries = {
      hi: trim ? hi.slice(0, kept) : hi.subarray(0, kept),
      data: trim ? data.slice(0, 3 * kept) : data.subarray(0, 3 * kept),
    };
    // Highest rank first; the sort is stable, so list order within a rank.
    const regexes = this.#regexes.sort((a, b) => b.rank - a.rank);
    this.#entries = allocate(0);
    this.#size = 0;
    this.#regexes = [];
    return new DomainSet(entries, new RegexSet(regexes));
  }

  #grow(): void {
    const { hi, data } = this.#entries;
    const next = allocate(Math.ceil(hi.length * 1.5));
    next.hi.set(hi);
    next.data.set(data);
    this.#entries = next;
  }
}

/** An immutable set of rules; made by DomainSetBuilder.build(). */
export class DomainSet {
  readonly #e: Entries;
  readonly #regexes: RegexSet;
  /** Entries whose hash starts with top bits b lie in [buckets[b], buckets[b + 1]). */
  readonly #buckets: Uint32Array;
  readonly #shift: number;
  /** Bit `lo >>> filterShift` is set for every entry's low hash half. */
  readonly #filter: Int32Array;
  readonly #filterShift: number;

  constructor(entries: Entries, regexes: RegexSet) {
    this.#e = entries;
    this.#regexes = regexes;
    const n = entries.hi.length;
    // ~8 entries a bucket, at most 2^16 buckets (256 KB).
    const bits = Math.min(16, Math.max(1, Math.floor(Math.log2(n + 1)) - 3));
    this.#shift = 32 - bits;
    const buckets = new Uint32Array((1 << bits) + 1);
    for (const hi of entries.hi) buckets[(hi >>> this.#shift) + 1]!++;
    for (let b = 1; b < buckets.length; b++) buckets[b]! += buckets[b - 1]!;
    this.#buckets = buckets;
    // 4 to 8 bits an entry (512 KB to 1 MB for a million): at most 22% set.
    const filterBits = Math.min(30, Math.max(5, Math.ceil(Math.log2(n + 1)) + 2));
    this.#filterShift = 32 - filterBits;
    this.#filter = new Int32Array(2 ** (filterBits - 5));
    for (let k = 0; k < n; k++) {
      const bit = entries.data[3 * k]! >>> this.#filterShift;
      this.#filter[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  /** Hashed rules after duplicates were dropped. */
  get size(): number {
    return this.#e.hi.length;
  }
  get regexCount(): number {
    return this.#regexes.size;
  }
  /** Bytes held in typed arrays (the regexes aside). */
  get byteLength(): number {
    return this.#e.hi.buffer.byteLength + this.#e.data.buffer.byteLength + this.#buckets.byteLength + this.#filter.byteLength;
  }

  /** The rule that decides a canonical name; see the file header for precedence. */
  decide(name: string): Decision {
    const { hi, data } = this.#e;
    let best = -1;
    let bestRank = -1;
    let bestStart = 0;
    let a = SEED_A;
    let b = SEED_B;
    // Right to left: at each label boundary the state is the hash of the
    // suffix after it; i = -1 stands for the boundary before the first label.
    for (let i = name.length - 1; ; i--) {
      const code = i < 0 ? DOT : name.charCodeAt(i);
      if (code === DOT && i + 1 < name.length && this.#mayHold(b) && !isEscaped(name, i)) {
        const h = finishA(a);
        const l = b >>> 0;
        for (let k = this.#find(h, l); k < hi.length && hi[k] === h && data[3 * k] === l; k++) {
          const flags = data[3 * k + 1]! >>> 16;
          // `*.x` does not cover x itself: the suffix must not be the whole name.
          if ((flags & RANK) >= bestRank && (i >= 0 || (flags & BELOW_ONLY) === 0)) {
            best = k;
            bestRank = flags & RANK;
            bestStart = i + 1;
          }
        }
      }
      if (i < 0) break;
      a = stepA(a, code);
      b = stepB(b, code);
    }
    if (bestRank < TOP_RANK && name.length <= MAX_NAME) {
      const r = this.#regexes.first(name, bestRank);
      if (r) return verdict(r.rank, r.list, r.line, `/${r.source}/`);
    }
    if (best < 0) return NONE;
    const meta = data[3 * best + 1]!;
    const rule = ((meta >>> 16) & BELOW_ONLY ? '*.' : '') + name.slice(bestStart);
    return verdict(bestRank, meta & 0xffff, data[3 * best + 2]!, rule);
  }

  /** Every rule matching a canonical name: the most specific name first, then regexes. */
  explain(name: string): Match[] {
    const { hi, data } = this.#e;
    const matches: Match[] = [];
    const labels = labelsOf(name);
    for (let first = 0; first < labels.length; first++) {
      const suffix = labels.slice(first).join('.');
      const key = hashName(suffix);
      for (let k = this.#find(key.hi, key.lo); k < hi.length && hi[k] === key.hi && data[3 * k] === key.lo; k++) {
        const meta = data[3 * k + 1]!;
        const flags = meta >>> 16;
        if (first === 0 && flags & BELOW_ONLY) continue;
        const rule = (flags & BELOW_ONLY ? '*.' : '') + suffix;
        matches.push({ kind: KINDS[flags & RANK]!, list: meta & 0xffff, line: data[3 * k + 2]!, rule });
      }
    }
    if (name.length <= MAX_NAME) {
      for (const r of this.#regexes.all(name)) matches.push({ kind: KINDS[r.rank]!, list: r.list, line: r.line, rule: `/${r.source}/` });
    }
    return matches;
  }

  /** False when no entry has this low hash half (lane B's state). */
  #mayHold(lo: number): boolean {
    const bit = lo >>> this.#filterShift;
    return (this.#filter[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  /** The first index whose hash is not below (h, l). */
  #find(h: number, l: number): number {
    const { hi, data } = this.#e;
    const bucket = h >>> this.#shift;
    let left = this.#buckets[bucket]!;
    let right = this.#buckets[bucket + 1]!;
    while (left < right) {
      const mid = (left + right) >>> 1;
      const m = hi[mid]!;
      if (m < h || (m === h && data[3 * mid]! < l)) left = mid + 1;
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

function allocate(size: number): Entries {
  return { hi: new Uint32Array(size), data: new Uint32Array(3 * size) };
}
