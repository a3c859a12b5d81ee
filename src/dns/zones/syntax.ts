// What the zone-file reader and the RDATA fields share: the tokens of one
// entry, a cursor over them, and the error that names what is wrong (the
// reader adds the file and line).
import { parseDuration } from '../../values/duration.ts';

export class ZoneSyntaxError extends Error {}

export function fail(message: string): never {
  throw new ZoneSyntaxError(message);
}

/** A token for messages: quoted, control bytes escaped, long ones cut short. */
export function show(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** One item of an entry (RFC 1035 §5.1); `quoted` when it was written between double quotes. */
export interface Token { readonly text: string; readonly quoted: boolean }

/** The tokens of an entry's RDATA, taken one field at a time. */
export class Tokens {
  private readonly list: readonly Token[];
  private at = 0;

  constructor(list: readonly Token[]) {
    this.list = list;
  }

  get done(): boolean {
    return this.at >= this.list.length;
  }

  peek(): Token | undefined {
    return this.list[this.at];
  }

  /** The next token; `word` names the missing field in the error. */
  next(word: string): Token {
    const token = this.list[this.at++];
    if (token === undefined) fail(`missing ${word}`);
    return token;
  }

  /** Every token left. */
  rest(): Token[] {
    const rest = this.list.slice(this.at);
    this.at = this.list.length;
    return rest;
  }
}

export const MAX_TTL = 2_147_483_647; // RFC 2181 §8

export function parseTtl(text: string): number {
  const seconds = parseDuration(text);
  if (seconds === undefined || seconds > MAX_TTL) {
    fail(`bad TTL ${show(text)} (expected 0..${MAX_TTL} seconds or a duration like 1h, 7d)`);
  }
  return seconds;
}
