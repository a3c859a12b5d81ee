// `/regex/` rules, checked before they are taken. They are matched by RE2
// (regex-set.ts), in time linear in the name whatever the pattern, so what
// remains here is what keeps lists portable and their meaning plain:
//   - the JavaScript syntax lists are written in, and RE2's (no lookaround,
//     no backreferences);
//   - the shapes that backtrack catastrophically in the engines most list
//     tools use (`(a+)+`, `(a|a)*`, many variable-length quantifiers), refused
//     as before, so a list that works here works there too:
//       - a repeated group (`*`, `+`, `{2,}`...) containing a quantifier or `|`;
//       - backreferences, named groups and inline flags;
//       - more than 2 variable-length quantifiers (1 without a leading `^`).
//
// Semantics follow AdGuard and Pi-hole: the regex searches the whole name
// (`/tracker/` matches `x.tracker.net`); `^` and `$` anchor it to the name's
// start and end. Names are lowercase, so patterns should be too.

import { compileRe2 } from './regex-set.ts';

const MAX_LENGTH = 256;

interface Frame {
  quantified: boolean;
  alternation: boolean;
}

/** Checks a regex body (without the slashes): the reason it is refused, or
 *  undefined when regex-set.ts can match it. */
export function compileNameRegex(body: string): string | undefined {
  if (body === '') return 'empty regex';
  if (body.length > MAX_LENGTH) return `regex longer than ${MAX_LENGTH} characters`;
  const hazard = findHazard(body);
  if (hazard) return hazard;
  try {
    new RegExp(body); // the JavaScript syntax lists are written in, checked for its messages
  } catch (error) {
    return `not a valid regex (${(error as Error).message.replace(/^Invalid regular expression: /, '')})`;
  }
  const re2 = compileRe2(body);
  return typeof re2 === 'string' ? re2 : undefined;
}

function findHazard(s: string): string | undefined {
  const stack: Frame[] = [{ quantified: false, alternation: false }];
  let variable = 0;
  for (let i = 0; i < s.length; i++) {
    const top = stack[stack.length - 1]!;
    const c = s[i];
    let group: Frame | undefined;
    if (c === '\\') {
      if (/[1-9k]/.test(s[i + 1] ?? '')) return 'backreferences are not supported';
      i++;
    } else if (c === '[') {
      i = classEnd(s, i);
      if (i < 0) return 'unterminated character class';
    } else if (c === '(') {
      if (s[i + 1] === '?') {
        const kind = /^\?(?::|=|!|<=|<!)/.exec(s.slice(i + 1, i + 4));
        if (!kind) return 'named groups and inline flags are not supported';
        i += kind[0].length;
      }
      stack.push({ quantified: false, alternation: false });
      continue;
    } else if (c === ')') {
      if (stack.length === 1) return 'unbalanced ")"';
      group = stack.pop()!;
    } else if (c === '|') {
      top.alternation = true;
      continue;
    }
    // The atom ending at i (a character, escape, class or group) may be quantified.
    const parent = stack[stack.length - 1]!;
    const q = quantifierAt(s, i + 1);
    if (group) {
      if (q?.repeats && (group.quantified || group.alternation)) {
        return 'a repeated group containing a quantifier or "|" can backtrack catastrophically';
      }
      parent.quantified ||= group.quantified;
      parent.alternation ||= group.alternation;
    }
    if (q) {
      parent.quantified = true;
      if (q.variable) variable++;
      i = q.end - 1;
    }
  }
  if (stack.length > 1) return 'unbalanced "("';
  const allowed = s.startsWith('^') ? 2 : 1;
  if (variable > allowed) {
    const where = allowed === 1 ? ' without a leading ^' : '';
    return `${variable} variable-length quantifiers (*, +, {m,n}); at most ${allowed}${where}, as each multiplies the backtracking`;
  }
  return undefined;
}

/** The index of the `]` closing the class opened at `open`, or -1. */
function classEnd(s: string, open: number): number {
  for (let i = open + 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ']') return i;
  }
  return -1;
}

/**
 * The quantifier starting at `at`, if any (a trailing lazy `?` included).
 * `repeats`: the atom can match twice or more; `variable`: the number of
 * repetitions is not fixed (`?` aside, which at most doubles the work).
 */
function quantifierAt(s: string, at: number): { end: number; repeats: boolean; variable: boolean } | undefined {
  const c = s[at];
  let result: { end: number; repeats: boolean; variable: boolean } | undefined;
  if (c === '*' || c === '+') result = { end: at + 1, repeats: true, variable: true };
  else if (c === '?') result = { end: at + 1, repeats: false, variable: false };
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(at, at + 24));
    if (!m) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    result = { end: at + m[0].length, repeats: max >= 2, variable: max > min };
  }
  if (result && s[result.end] === '?') result.end++;
  return result;
}
