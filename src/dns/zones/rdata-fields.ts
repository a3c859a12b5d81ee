// The kinds of field RDATA is made of, each read from its presentation text
// (RFC 1035 §5.1 and the RFC of each type) into wire bytes and written back:
// the table in rdata-formats.ts puts types together from these.
import { SocketAddress } from 'node:net';
import { parseDuration } from '../../config/types.ts';
import { ipv4Bytes, ipv6Bytes } from '../../net/address.ts';
import { nameFromWire, nameToWire, parseName } from '../name.ts';
import type { Name } from '../record.ts';
import { parseType, typeName } from './rr-types.ts';
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

/** Base64 (RFC 4648 §4) over every token left, blanks allowed inside (keys, signatures). */
export const base64 = (word: string): Field => ({
  read: (tokens) => {
    const text = tokens.rest().map((t) => t.text).join('');
    if (text === '') fail(`missing ${word}`);
    return base64Bytes(text, word);
  },
  write: (f) => Buffer.from(f.rest()).toString('base64'),
});

export function base64Bytes(text: string, word: string): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) fail(`bad base64 in ${word}: ${show(text)}`);
  return Uint8Array.from(Buffer.from(text, 'base64'));
}

/** Hex over every token left, blanks allowed inside (digests, fingerprints). */
export const hex = (word: string): Field => ({
  read: (tokens) => {
    const text = tokens.rest().map((t) => t.text).join('');
    if (text === '') fail(`missing ${word}`);
    return hexBytes(text, word);
  },
  write: (f) => Buffer.from(f.rest()).toString('hex').toUpperCase(),
});

function hexBytes(text: string, word: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/i.test(text)) fail(`bad hex in ${word}: ${show(text)}`);
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

/** A length byte, then hex; "-" is empty (the NSEC3 salt, RFC 5155 §3.3). */
export const salt: Field = {
  read: (tokens) => {
    const text = tokens.next('salt').text;
    const bytes = text === '-' ? new Uint8Array() : hexBytes(text, 'salt');
    if (bytes.length > 255) fail('salt longer than 255 bytes');
    return concat([Uint8Array.of(bytes.length), bytes]);
  },
  write: (f) => {
    const bytes = f.string();
    return bytes.length === 0 ? '-' : Buffer.from(bytes).toString('hex').toUpperCase();
  },
};

const BASE32HEX = '0123456789ABCDEFGHIJKLMNOPQRSTUV';

/** A length byte, then Base32hex without padding (the NSEC3 next hashed owner, RFC 5155 §3.3). */
export const hashedOwner: Field = {
  read: (tokens) => {
    const text = tokens.next('next hashed owner').text.toUpperCase();
    if (!/^[0-9A-V]+$/.test(text) || [1, 3, 6].includes(text.length % 8)) fail(`bad base32hex ${show(text)}`);
    const out: number[] = [];
    let bits = 0;
    let value = 0;
    for (const ch of text) {
      value = (value << 5) | BASE32HEX.indexOf(ch);
      bits += 5;
      if (bits >= 8) { bits -= 8; out.push((value >> bits) & 0xff); }
    }
    if (out.length > 255) fail('next hashed owner longer than 255 bytes');
    return Uint8Array.from([out.length, ...out]);
  },
  write: (f) => {
    let out = '';
    let bits = 0;
    let value = 0;
    for (const byte of f.string()) {
      value = ((value << 8) | byte) & 0xfff;
      bits += 8;
      while (bits >= 5) { bits -= 5; out += BASE32HEX[(value >> bits) & 31]; }
    }
    return bits > 0 ? out + BASE32HEX[(value << (5 - bits)) & 31] : out;
  },
};

/** A type mnemonic held as 16 bits (RRSIG type covered, RFC 4034 §3.1.1). */
export const typeCode = (word: string): Field => ({
  read: (tokens) => uintBytes(parseType(tokens.next(word).text), 2),
  write: (f) => typeName(f.uint(2)),
});

/** RFC 4034 §4.1.2: the types present, as windows of bitmaps; every token left. */
export const typeBitmap: Field = {
  read: (tokens) => {
    const types = [...new Set(tokens.rest().map((t) => parseType(t.text)))].sort((a, b) => a - b);
    const out: number[] = [];
    for (let k = 0; k < types.length;) {
      const window = types[k]! >> 8;
      const bits = new Uint8Array(32);
      let length = 0;
      for (; k < types.length && types[k]! >> 8 === window; k++) {
        const low = types[k]! & 0xff;
        bits[low >> 3]! |= 0x80 >> (low & 7);
        length = (low >> 3) + 1;
      }
      out.push(window, length, ...bits.subarray(0, length));
    }
    return Uint8Array.from(out);
  },
  write: (f) => {
    const names: string[] = [];
    while (!f.done) {
      const window = f.uint(1);
      const length = f.uint(1);
      if (length === 0 || length > 32) throw new Misfit();
      f.take(length).forEach((byte, i) => {
        for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) names.push(typeName(window * 256 + i * 8 + bit));
      });
    }
    return names.join(' ');
  },
};

/** RFC 4034 §3.2: YYYYMMDDHHmmSS in UTC, or seconds since 1970, held modulo 2^32. */
export const signatureTime = (word: string): Field => ({
  read: (tokens) => {
    const text = tokens.next(word).text;
    const date = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
    if (date) {
      const [year, month, day, hour, minute, second] = date.slice(1).map(Number) as [number, number, number, number, number, number];
      const ms = Date.UTC(year, month - 1, day, hour, minute, second);
      const check = new Date(ms);
      if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) fail(`bad ${word} ${show(text)}`);
      return uintBytes(((Math.floor(ms / 1000) % 2 ** 32) + 2 ** 32) % 2 ** 32, 4);
    }
    if (!/^\d{1,10}$/.test(text) || Number(text) > 0xffffffff) fail(`bad ${word} ${show(text)} (expected YYYYMMDDHHmmSS)`);
    return uintBytes(Number(text), 4);
  },
  write: (f) => new Date(f.uint(4) * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14),
});

/** EUI-48 or EUI-64 as hex pairs joined by "-" (RFC 7043 §3.2, §4.2). */
export const eui = (size: 6 | 8): Field => ({
  read: (tokens) => {
    const text = tokens.next('address').text;
    if (!new RegExp(`^[0-9a-f]{2}(-[0-9a-f]{2}){${size - 1}}$`, 'i').test(text)) fail(`bad EUI-${size * 8} address ${show(text)}`);
    return Uint8Array.from(Buffer.from(text.replaceAll('-', ''), 'hex'));
  },
  write: (f) => [...f.take(size)].map((b) => b.toString(16).padStart(2, '0')).join('-'),
});

/** 64 bits as four groups of four hex digits joined by ":" (NID and L64, RFC 6742 §2.1.2, §2.3.2). */
export const locator64: Field = {
  read: (tokens) => {
    const text = tokens.next('locator').text;
    if (!/^[0-9a-f]{4}(:[0-9a-f]{4}){3}$/i.test(text)) fail(`bad 64-bit locator ${show(text)} (expected xxxx:xxxx:xxxx:xxxx)`);
    return Uint8Array.from(Buffer.from(text.replaceAll(':', ''), 'hex'));
  },
  write: (f) => Buffer.from(f.take(8)).toString('hex').match(/.{4}/g)!.join(':'),
};
