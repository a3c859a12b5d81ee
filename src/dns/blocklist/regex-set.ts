// The regexes of a DomainSet, matched by RE2JS (RE2's linear-time engine in
// plain JavaScript), never by V8's backtracking one: whatever a list holds,
// a query name costs time in proportion to its length. The shape check of
// regex.ts refuses the classic catastrophic patterns, but accepted ones still
// cost V8 ~0.3 ms each on a crafted name, and the lists may hold hundreds.
//
// Every query that no hashed rule decided is tested against all the set's
// regexes at once: one RE2 program of their alternation. Only when it
// matches (a name about to be blocked or allowed by a regex, which is rare)
// is the deciding regex looked for, chunk by chunk, each chunk a program of
// its own. Measured (bench/blocklist-regex.ts, on a loaded 2-core machine):
// 300 typical regexes, none matching, 1.1 µs for the one program against
// 55 µs for V8 testing each on a 25-character name; 17 µs against 331 µs on
// a 251-character one.
import { RE2JS } from 're2js';

export interface RegexRule {
  /** The pattern as written between the slashes. */
  readonly source: string;
  readonly rank: number;
  readonly list: number;
  readonly line: number;
}

/** Regexes in one set, across all its lists: a bound on the program's size
 *  (and its compile time, ~0.25 s a thousand) that no number of lists lifts. */
export const MAX_REGEXES = 1000;
const CHUNK = 64;

interface Chunk {
  readonly program: RE2JS;
  readonly rules: readonly { readonly rule: RegexRule; readonly program: RE2JS }[];
}

/** Compiles a pattern for RE2; a string is the reason it cannot be. */
export function compileRe2(source: string): RE2JS | string {
  try {
    return RE2JS.compile(source);
  } catch (error) {
    return `not supported by the linear-time regex engine (${(error as Error).message.replace(/^error parsing regexp: /, '')})`;
  }
}

function alternation(rules: readonly RegexRule[]): RE2JS {
  return RE2JS.compile(rules.map((rule) => `(?:${rule.source})`).join('|'));
}

export class RegexSet {
  /** Highest rank first, list order within a rank. */
  readonly rules: readonly RegexRule[];
  readonly #any: RE2JS | undefined;
  readonly #chunks: readonly Chunk[];

  /** `rules` must each compile (compileRe2), sorted highest rank first. */
  constructor(rules: readonly RegexRule[]) {
    this.rules = rules;
    this.#any = rules.length > 0 ? alternation(rules) : undefined;
    const chunks: Chunk[] = [];
    for (let at = 0; at < rules.length; at += CHUNK) {
      const slice = rules.slice(at, at + CHUNK);
      chunks.push({ program: alternation(slice), rules: slice.map((rule) => ({ rule, program: RE2JS.compile(rule.source) })) });
    }
    this.#chunks = chunks;
  }

  get size(): number {
    return this.rules.length;
  }

  /** The first rule in order that matches `name` and ranks above `above`. */
  first(name: string, above: number): RegexRule | undefined {
    if (!this.#any?.test(name)) return undefined;
    for (const chunk of this.#chunks) {
      if (chunk.rules[0]!.rule.rank <= above) return undefined;
      if (!chunk.program.test(name)) continue;
      for (const { rule, program } of chunk.rules) {
        if (rule.rank <= above) return undefined;
        if (program.test(name)) return rule;
      }
    }
    return undefined;
  }

  /** Every rule that matches `name`, in order. */
  all(name: string): RegexRule[] {
    if (!this.#any?.test(name)) return [];
    return this.#chunks.flatMap((chunk) => (chunk.program.test(name) ? chunk.rules.filter(({ program }) => program.test(name)).map(({ rule }) => rule) : []));
  }
}
