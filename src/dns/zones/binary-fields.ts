// Fields written as base64, hex, base32hex, type lists, dates or hex groups:
// the keys, digests and bitmaps of DNSSEC (RFC 4034, RFC 5155) and the
// fingerprints and addresses of newer types, for rdata-formats.ts.
import { nameToWire, parseName } from '../name.ts';
import { concat, Misfit, nameText, uintBytes, type Field } from './rdata-fields.ts';
import { parseType, typeName } from './rr-types.ts';
import { fail, show } from './syntax.ts';

/** Bytes written in some encoding over every token left, blanks allowed inside; at least one byte unless `optional`. */
function encodedRest(word: string, optional: boolean, decode: (text: string, word: string) => Uint8Array, encode: (bytes: Uint8Array) => string): Field {
  return {
    read: (tokens) => {
      const text = tokens.rest().map((t) => t.text).join('');
      if (text === '' && !optional) fail(`missing ${word}`);
      return decode(text, word);
    },
    write: (f) => {
      const bytes = f.rest();
      if (bytes.length === 0 && !optional) throw new Misfit();
      return encode(bytes);
    },
  };
}

/** Base64 (RFC 4648 §4): keys, signatures, certificates; `optional` for IPSECKEY's key (RFC 4025 §2.6). */
export const base64 = (word: string, optional = false): Field =>
  encodedRest(word, optional, base64Bytes, (bytes) => Buffer.from(bytes).toString('base64'));

export function base64Bytes(text: string, word: string): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) fail(`bad base64 in ${word}: ${show(text)}`);
  return Uint8Array.from(Buffer.from(text, 'base64'));
}

/** Hex: digests, fingerprints. */
export const hex = (word: string): Field => encodedRest(word, false, hexBytes, (bytes) => Buffer.from(bytes).toString('hex').toUpperCase());

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
    let last = -1;
    while (!f.done) {
      // RFC 4034 §4.1.2: windows in increasing order, no trailing zero octets.
      const window = f.uint(1);
      const length = f.uint(1);
      if (window <= last || length === 0 || length > 32) throw new Misfit();
      last = window;
      const bits = f.take(length);
      if (bits[length - 1] === 0) throw new Misfit();
      bits.forEach((byte, i) => {
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

/** 64 bits as four groups of hex digits joined by ":" (NID and L64, RFC 6742 §2.1.2, §2.3.2; BIND takes short groups). */
export const locator64: Field = {
  read: (tokens) => {
    const text = tokens.next('locator').text;
    if (!/^[0-9a-f]{1,4}(:[0-9a-f]{1,4}){3}$/i.test(text)) fail(`bad 64-bit locator ${show(text)} (expected xxxx:xxxx:xxxx:xxxx)`);
    return Uint8Array.from(Buffer.from(text.split(':').map((group) => group.padStart(4, '0')).join(''), 'hex'));
  },
  write: (f) => Buffer.from(f.take(8)).toString('hex').match(/.{4}/g)!.join(':'),
};

/** RFC 1706 §5: "0x" then hex digits, dots anywhere between them for reading. */
export const nsapAddress: Field = {
  read: (tokens) => {
    const text = tokens.next('address').text;
    const digits = /^0x[0-9a-f.]+$/i.test(text) ? text.slice(2).replaceAll('.', '') : '';
    if (digits === '' || digits.length % 2 !== 0) fail(`bad NSAP address ${show(text)} (expected 0x and an even number of hex digits)`);
    return Uint8Array.from(Buffer.from(digits, 'hex'));
  },
  write: (f) => {
    const bytes = f.rest();
    if (bytes.length === 0) throw new Misfit();
    return `0x${Buffer.from(bytes).toString('hex')}`;
  },
};

/** HIP (RFC 8005 §4): algorithm, HIT in hex, public key in base64, then rendezvous servers. */
export const hostIdentity: Field = {
  read: (tokens, origin) => {
    const algorithm = tokens.next('algorithm').text;
    if (!/^\d{1,3}$/.test(algorithm) || Number(algorithm) > 255) fail(`bad algorithm ${show(algorithm)} (expected 0..255)`);
    const hit = hexBytes(tokens.next('HIT').text, 'HIT');
    const key = base64Bytes(tokens.next('public key').text, 'public key');
    if (hit.length === 0 || hit.length > 255 || key.length === 0 || key.length > 65535) fail('bad HIT or public key length');
    const servers = tokens.rest().map((token) => nameToWire(parseName(token.text, origin)));
    return concat([Uint8Array.of(hit.length, Number(algorithm)), uintBytes(key.length, 2), hit, key, ...servers]);
  },
  write: (f) => {
    const hitLength = f.uint(1);
    const algorithm = f.uint(1);
    const keyLength = f.uint(2);
    if (hitLength === 0 || keyLength === 0) throw new Misfit();
    const parts = [String(algorithm), Buffer.from(f.take(hitLength)).toString('hex').toUpperCase(), Buffer.from(f.take(keyLength)).toString('base64')];
    while (!f.done) parts.push(nameText(f.name()));
    return parts.join(' ');
  },
};
