// The text of a master file cut into entries (RFC 1035 §5.1): one record or
// directive each, its tokens, and the line it starts on for error messages.
import { show, type Token } from './syntax.ts';

/** One record or directive: the tokens of a line, or of lines joined by "(" … ")". */
export interface Entry {
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
export function tokenize(text: string): Entry[] {
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
