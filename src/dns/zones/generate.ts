// BIND's $GENERATE directive: `$GENERATE start-stop[/step] lhs [ttl] [class]
// type rhs` writes one record per number, `$` in lhs and rhs standing for it
// and `${offset,width,base}` shaping it (BIND's ARM, "$GENERATE"). Every DHCP-
// era reverse zone has one: `$GENERATE 1-254 $ PTR host-$.home.lan.`.
import { isTypeWord } from './rr-types.ts';
import { fail, show, type Token } from './syntax.ts';
import { tokenize } from './tokenize.ts';

/** Enough for a /16 reverse zone; more would only be a mistake that eats memory. */
export const MAX_GENERATED = 65_536;

/** The tokens of each record `$GENERATE <args>` stands for: an owner, then as written, the RDATA substituted. */
export function expandGenerate(args: readonly Token[]): Token[][] {
  const [range, lhs, ...rest] = args;
  const match = /^(\d{1,10})-(\d{1,10})(?:\/(\d{1,10}))?$/.exec(range?.text ?? '');
  if (!match || lhs === undefined) fail('$GENERATE needs a range start-stop[/step], an owner, a type and data');
  const [start, stop, step] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 1)];
  if (start > stop || step === 0 || stop > 0x7fffffff) fail(`bad $GENERATE range ${show(range!.text)}`);
  if (Math.floor((stop - start) / step) + 1 > MAX_GENERATED) fail(`$GENERATE range ${show(range!.text)} makes more than ${MAX_GENERATED} records`);
  const typeAt = rest.findIndex((token, i) => i < 3 && !token.quoted && isTypeWord(token.text));
  if (typeAt < 0) fail('$GENERATE needs a record type after the owner');
  const head = rest.slice(0, typeAt + 1);
  let rhs = rest.slice(typeAt + 1);
  // A quoted rhs holds the RDATA of several fields: `MX "10 mail$"` (as BIND reads it).
  if (rhs.length === 1 && rhs[0]!.quoted) rhs = tokenize(rhs[0]!.text)[0]?.tokens ?? [];
  if (rhs.length === 0) fail('$GENERATE needs data after the type');
  const entries: Token[][] = [];
  for (let n = start; n <= stop; n += step) {
    const at = (token: Token): Token => ({ text: substitute(token.text, n), quoted: token.quoted });
    entries.push([at(lhs), ...head, ...rhs.map(at)]);
  }
  return entries;
}

/** `$` is the number, `$$` a dollar sign, `\X` stays as written for the name or field reader. */
function substitute(template: string, n: number): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i]!;
    if (ch === '\\') {
      out += template.slice(i, i + 2);
      i++;
    } else if (ch !== '$') {
      out += ch;
    } else if (template[i + 1] === '$') {
      out += '$';
      i++;
    } else if (template[i + 1] === '{') {
      const end = template.indexOf('}', i);
      if (end < 0) fail(`unclosed \${ in ${show(template)}`);
      out += modified(template.slice(i + 2, end), n);
      i = end;
    } else out += String(n);
  }
  return out;
}

/** `${offset[,width[,base]]}`: base d, o, x, X, or n/N for reversed nibbles joined by dots (width counting the dots). */
function modified(spec: string, n: number): string {
  const match = /^(-?\d{1,10})(?:,(\d{1,3})(?:,([doxXnN]))?)?$/.exec(spec);
  if (!match) fail(`bad $GENERATE modifier \${${spec}} (expected \${offset,width,base})`);
  // BIND computes in a C int: a negative value is written with its sign in
  // decimal, and as its 32-bit two's complement in the other bases.
  const value = (n + Number(match[1])) | 0;
  const width = Number(match[2] ?? 0);
  const base = match[3] ?? 'd';
  if (base === 'd') return value < 0 ? `-${String(-value).padStart(width - 1, '0')}` : String(value).padStart(width, '0');
  if (base === 'n' || base === 'N') return nibbles(value >>> 0, width, base === 'N');
  const digits = (value >>> 0).toString(base === 'o' ? 8 : 16);
  return (base === 'X' ? digits.toUpperCase() : digits).padStart(width, '0');
}

function nibbles(value: number, width: number, upper: boolean): string {
  let out = '';
  for (let rest = value; ;) {
    const digit = (rest % 16).toString(16);
    out += upper ? digit.toUpperCase() : digit;
    rest = Math.floor(rest / 16);
    if (rest === 0 && out.length >= width) return out;
    out += '.';
    if (rest === 0 && out.length >= width) return out;
  }
}
