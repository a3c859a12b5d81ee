// The kinds of field RDATA is made of, each read from its presentation text
// (RFC 1035 §5.1 and the RFC of each type) into wire bytes and written back:
// the table in rdata-formats.ts puts types together from these.
import { SocketAddress } from 'node:net';
import { parseDuration } from '../../values/duration.ts';
import { ipv4Bytes, ipv6Bytes } from '../../net/address.ts';
import { nameFromWire, nameToWire, parseName } from '../name.ts';
import type { Name } from '../record.ts';
import { fail, show, type Tokens } from './syntax.ts';

/** RDATA shorter or longer than its type's fields: it is shown as `\#` instead. */
export class Misfit extends Error {}

/** Reads the fields of one RDATA in order. */
export class FieldReader {
  private readonly bytes: Uint8Array;
  private at = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  get done(): boolean {
    return this.at === this.bytes.length;
  }

  take(length: number): Uint8Array {
    if (this.at + length > this.bytes.length) throw new Misfit();
    return this.bytes.subarray(this.at, (this.at += length));
  }

  rest(): Uint8Array {
    return this.take(this.bytes.length - this.at);
  }

  uint(size: 1 | 2 | 4): number {
    return this.take(size).reduce((value, byte) => value * 256 + byte, 0);
  }

  name(): Name {
    const { name, end } = nameFromWire(this.bytes, this.at);
    this.at = end;
    return name;
  }

  /** A <character-string> (RFC 1035 §3.3): a length byte, then the bytes. */
  string(): Uint8Array {
    return this.take(this.uint(1));
  }
}

/** One field: text to wire (taking its tokens), and wire to text. */
export interface Field {
  readonly read: (tokens: Tokens, origin: Name) => Uint8Array;
  readonly write: (reader: FieldReader) => string;
}

// ------------------------------------------------------------------ bytes

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) { out.set(part, at); at += part.length; }
  return out;
}

export function uintBytes(value: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let k = size - 1, rest = value; k >= 0; k--, rest = Math.floor(rest / 256)) out[k] = rest % 256;
  return out;
}

const ENCODER = new TextEncoder();

/** The bytes of text as written, resolving `\X` and `\DDD` (RFC 1035 §5.1). */
export function textBytes(text: string): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const part of text.split(/(\\\d{3}|\\[\s\S])/u)) {
    if (/^\\\d{3}$/.test(part)) {
      const value = Number(part.slice(1));
      if (value > 255) fail(`bad escape ${part} in ${show(text)}`);
      parts.push(Uint8Array.of(value));
    } else if (part.startsWith('\\') && part.length > 1) {
      parts.push(ENCODER.encode(part.slice(1)));
    } else if (part.includes('\\')) {
      fail(`dangling backslash in ${show(text)}`);
    } else parts.push(ENCODER.encode(part));
  }
  return concat(parts);
}

/** A <character-string>: a length byte, then at most 255 bytes (RFC 1035 §3.3). */
export function characterString(text: string): Uint8Array {
  const bytes = textBytes(text);
  if (bytes.length > 255) fail(`string longer than 255 bytes: ${show(text)}`);
  return concat([Uint8Array.of(bytes.length), bytes]);
}

/** Bytes between quotes: `"` and `\` escaped, anything unprintable as `\DDD`. */
export function quoted(bytes: Uint8Array): string {
  let out = '"';
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/** A name as a zone file writes it absolute: with its trailing dot, the root as ".". */
export function nameText(name: Name): string {
  return name === '' ? '.' : `${name}.`;
}

// ----------------------------------------------------------------- fields

export const name = (word: string): Field => ({
  read: (tokens, origin) => nameToWire(parseName(tokens.next(word).text, origin)),
  write: (f) => nameText(f.name()),
});

/** An unsigned integer of `size` bytes; `mnemonics` are words that stand for values (e.g. DNSSEC algorithm names). */
export function uint(size: 1 | 2 | 4, word: string, mnemonics?: ReadonlyMap<string, number>): Field {
  const max = 2 ** (8 * size) - 1;
  return {
    read: (tokens) => {
      const text = tokens.next(word).text;
      const value = /^\d+$/.test(text) ? Number(text) : mnemonics?.get(text.toUpperCase());
      if (value === undefined || value > max) fail(`bad ${word} ${show(text)} (expected 0..${max})`);
      return uintBytes(value, size);
    },
    write: (f) => String(f.uint(size)),
  };
}

/** A 32-bit count of seconds that may be written as a duration like 1h (SOA timers, RRSIG original TTL). */
export const seconds = (word: string): Field => ({
  read: (tokens) => {
    const text = tokens.next(word).text;
    const value = parseDuration(text);
    if (value === undefined || value > 0xffffffff) fail(`bad ${word} ${show(text)} (expected 0..4294967295 or a duration like 1h)`);
    return uintBytes(value, 4);
  },
  write: (f) => String(f.uint(4)),
});

export const ipv4 = (word: string): Field => ({
  read: (tokens) => {
    const text = tokens.next(word).text;
    return ipv4Bytes(text) ?? fail(`not an IPv4 address: ${show(text)}`);
  },
  write: (f) => f.take(4).join('.'),
});

export const ipv6 = (word: string): Field => ({
  read: (tokens) => {
    const text = tokens.next(word).text;
    return (text.includes('%') ? undefined : ipv6Bytes(text)) ?? fail(`not an IPv6 address: ${show(text)}`);
  },
  write: (f) => ipv6Text(f.take(16)),
});

/** RFC 5952 §4: the canonical, shortest IPv6 text. */
export function ipv6Text(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}

/** One <character-string>. */
export const string = (word: string): Field => ({
  read: (tokens) => characterString(tokens.next(word).text),
  write: (f) => quoted(f.string()),
});

/** Every token left, one <character-string> each, at least one (TXT, RFC 1035 §3.3.14). */
export const strings = (word: string): Field => ({
  read: (tokens) => {
    const parts = [characterString(tokens.next(word).text)];
    while (!tokens.done) parts.push(characterString(tokens.next(word).text));
    return concat(parts);
  },
  write: (f) => {
    const out = [quoted(f.string())];
    while (!f.done) out.push(quoted(f.string()));
    return out.join(' ');
  },
});

/** One token whose bytes run to the end of the RDATA, without a length (CAA value, URI target). */
export const opaque = (word: string): Field => ({
  read: (tokens) => textBytes(tokens.next(word).text),
  write: (f) => quoted(f.rest()),
});

/** RFC 8659 §4.1.1: the CAA tag, letters and digits; anything else reads back differently. */
export const caaTag: Field = {
  read: (tokens) => {
    const text = tokens.next('tag').text;
    if (!/^[a-z0-9]+$/i.test(text)) fail(`bad CAA tag ${show(text)} (letters and digits only)`);
    return characterString(text);
  },
  write: (f) => {
    const tag = new TextDecoder().decode(f.string());
    if (!/^[a-z0-9]+$/i.test(tag)) throw new Misfit();
    return tag;
  },
};
