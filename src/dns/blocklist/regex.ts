// `/regex/` rules, checked before they are compiled. A regex runs against
// every query name a client sends, so a pattern that backtracks
// exponentially (`(a+)+`, `(a|a)*`) would let one crafted name stall the
// resolver. V8's backtracking engine has no time limit, so patterns that can
// backtrack badly are refused by their shape:
//   - a repeated group (`*`, `+`, `{2,}`...) containing a quantifier or `|`;
//   - backreferences, named groups and inline flags;
//   - more than 2 variable-length quantifiers (1 when the regex is not
//     anchored with a leading `^`, as an unanchored search tries every start):
//     each one multiplies the worst case by the name's length.
// Left is polynomial backtracking, under 0.1 ms for one accepted regex on a
// 253-byte name built to hurt it (measured on the dev machine; refused
// shapes took from 12 ms to minutes).
//
// Semantics follow AdGuard and Pi-hole: the regex searches the whole name
// (`/tracker/` matches `x.tracker.net`); `^` and `$` anchor it to the name's
// start and end. Names are lowercase, so patterns should be too.
//
// Every regex costs each query that no hashed rule decided (most of them):
// ~30 ns for `^ad[0-9]*\.`, ~500 ns for `^(.+[_.-])?tracker` on a name of
// 30 characters. A dozen regexes cost about as much as the hashed lookup;
// the 1000 a list may hold, up to half a millisecond.
// (Joining them into one alternation was measured: no faster in V8.)

const MAX_LENGTH = 256;

interface Frame { quantified: boolean; alternation: boolean }

/** Compiles a regex body (without the slashes); a string is the reason it was refused. */
export function compileNameRegex(body: string): RegExp | string {
  if (body === '') return 'empty regex';
  if (body.length > MAX_LENGTH) return `regex longer than ${MAX_LENGTH} characters`;
  const hazard = findHazard(body);
  if (hazard) return hazard;
  try {
    return new RegExp(body);
  } catch (error) {
    return `not a valid regex (${(error as Error).message.replace(/^Invalid regular expression: /, '')})`;
  }
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
