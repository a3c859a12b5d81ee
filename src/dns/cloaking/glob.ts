// Cloaking globs matched in linear time. Each `*` used to become `.*` in a
// RegExp, and V8's backtracking made `*a*a*a*a*b` against one long query
// name take ~46 s, freezing DNS, DHCP and the API on the one thread. Here a
// glob is cut at its stars into pieces of fixed length (literals, `?`, and
// `[...]` classes); the first piece must start the name, the last end it, and
// the ones between are found in order, each at its leftmost place. Leftmost
// is always right for globs (a later place never leaves more room for the
// pieces after it), so nothing is ever retried: O(name × glob) at worst.

export class GlobError extends Error {}

/** One character position of a piece. */
type Atom =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'class'; readonly negate: boolean; readonly ranges: readonly (readonly [string, string])[] };

type Piece = readonly Atom[];

export interface Glob {
  readonly test: (name: string) => boolean;
  /** The literal characters: the glob's specificity. */
  readonly literals: number;
}

/**
 * `*` is any run (dots included), `?` one character, `[...]` / `[!...]` a
 * class with `a-z` ranges; the rest is literal, over a whole canonical name.
 * Throws GlobError for a malformed glob.
 */
export function compileGlob(glob: string): Glob {
  const pieces: Atom[][] = [[]];
  let literals = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    const piece = pieces.at(-1)!;
    if (ch === '*') {
      if (piece.length > 0 || pieces.length === 1) pieces.push([]);
    } else if (ch === '?') piece.push({ kind: 'any' });
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) throw new GlobError('"[" without "]"');
      piece.push(parseClass(glob.slice(i + 1, close)));
      i = close;
    } else {
      piece.push({ kind: 'char', char: ch });
      literals++;
    }
  }
  const starred = pieces.length > 1;
  return { test: starred ? (name) => matchStarred(pieces, name) : (name) => name.length === pieces[0]!.length && matchesAt(pieces[0]!, name, 0), literals };
}

function parseClass(text: string): Atom {
  const negate = text.startsWith('!') || text.startsWith('^');
  const body = negate ? text.slice(1) : text;
  if (body === '') throw new GlobError('empty [] class');
  const ranges: [string, string][] = [];
  for (let i = 0; i < body.length; i++) {
    const from = body[i]!;
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const to = body[i + 2]!;
      if (to < from) throw new GlobError('a [] range written backwards');
      ranges.push([from, to]);
      i += 2;
    } else ranges.push([from, from]);
  }
  return { kind: 'class', negate, ranges };
}

function atomMatches(atom: Atom, ch: string): boolean {
  if (atom.kind === 'any') return true;
  if (atom.kind === 'char') return atom.char === ch;
  return atom.ranges.some(([from, to]) => ch >= from && ch <= to) !== atom.negate;
}

function matchesAt(piece: Piece, name: string, at: number): boolean {
  if (at + piece.length > name.length) return false;
  for (let i = 0; i < piece.length; i++) if (!atomMatches(piece[i]!, name[at + i]!)) return false;
  return true;
}

/** pieces[0] before the first star, pieces.at(-1) after the last (either may be empty). */
function matchStarred(pieces: readonly Piece[], name: string): boolean {
  const head = pieces[0]!;
  const tail = pieces.at(-1)!;
  if (head.length + tail.length > name.length) return false;
  if (!matchesAt(head, name, 0) || !matchesAt(tail, name, name.length - tail.length)) return false;
  let at = head.length;
  const end = name.length - tail.length;
  for (const piece of pieces.slice(1, -1)) {
    let found = -1;
    for (let start = at; start + piece.length <= end; start++) {
      if (matchesAt(piece, name, start)) {
        found = start;
        break;
      }
    }
    if (found < 0) return false;
    at = found + piece.length;
  }
  return true;
}
