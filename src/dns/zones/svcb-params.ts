// The SvcParams of SVCB and HTTPS records in their presentation form (RFC
// 9460 §2.1): `alpn=h2,h3 port=8443 ipv4hint=192.0.2.1`, each key's value in
// its own syntax, written in key order on the wire (§2.2).
import { ipv4Bytes, ipv6Bytes } from '../../net/address.ts';
import { base64Bytes } from './binary-fields.ts';
import { concat, ipv6Text, Misfit, quoted, textBytes, uintBytes, type Field, type FieldReader } from './rdata-fields.ts';
import { fail, show, type Token, type Tokens } from './syntax.ts';

const KEYS = ['mandatory', 'alpn', 'no-default-alpn', 'port', 'ipv4hint', 'ech', 'ipv6hint', 'dohpath', 'ohttp'];

function keyCode(text: string): number {
  const known = KEYS.indexOf(text.toLowerCase());
  if (known >= 0) return known;
  const generic = /^key(\d{1,5})$/i.exec(text);
  // key65535 is reserved (RFC 9460 §14.3.2).
  if (generic && Number(generic[1]) < 65535) return Number(generic[1]);
  return fail(`unknown SvcParamKey ${show(text)}`);
}

function keyName(code: number): string {
  return KEYS[code] ?? `key${code}`;
}

/** RFC 9460 Appendix A.1: a comma-separated list, `\,` a comma inside an item (after the string's own escapes). */
function valueList(bytes: Uint8Array): Uint8Array[] {
  const items: number[][] = [[]];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === 0x5c && i + 1 < bytes.length) items.at(-1)!.push(bytes[++i]!);
    else if (byte === 0x2c) items.push([]);
    else items.at(-1)!.push(byte);
  }
  return items.map((item) => Uint8Array.from(item));
}

const LATIN1 = new TextDecoder('latin1');

function addresses(value: Uint8Array, parse: (text: string) => Uint8Array | undefined, word: string): Uint8Array {
  const text = LATIN1.decode(value);
  return concat(text.split(',').map((item) => parse(item) ?? fail(`bad ${word} address ${show(item)}`)));
}

/** The wire value of one key, from the bytes of its presentation value (undefined: no "=" at all). */
function encodeValue(key: number, value: Uint8Array | undefined): Uint8Array {
  const word = keyName(key);
  const needed = (): Uint8Array => (value && value.length > 0 ? value : fail(`${word} needs a value`));
  switch (key) {
    case 0: return concat(valueList(needed()).map((item) => uintBytes(keyCode(LATIN1.decode(item)), 2)).sort(compareBytes));
    case 1: return concat(valueList(needed()).map((item) => {
      if (item.length === 0 || item.length > 255) fail('an alpn id has 1 to 255 bytes');
      return concat([Uint8Array.of(item.length), item]);
    }));
    case 2: case 8:
      if (value && value.length > 0) fail(`${word} takes no value`);
      return new Uint8Array();
    case 3: {
      const text = LATIN1.decode(needed());
      if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) fail(`bad port ${show(text)}`);
      return uintBytes(Number(text), 2);
    }
    case 4: return addresses(needed(), ipv4Bytes, 'ipv4hint');
    case 5: return base64Bytes(LATIN1.decode(needed()), 'ech');
    case 6: return addresses(needed(), (text) => (text.includes('%') ? undefined : ipv6Bytes(text)), 'ipv6hint');
    default: return value ?? new Uint8Array();
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** The text of one key's wire value; Misfit when the bytes break the key's syntax. */
function decodeValue(key: number, value: Uint8Array): string {
  const list = (items: Uint8Array[]): string => quoted(concat(items.map((item, i) => {
    const escaped = [...item].flatMap((b) => (b === 0x2c || b === 0x5c ? [0x5c, b] : [b]));
    return Uint8Array.from(i === 0 ? escaped : [0x2c, ...escaped]);
  })));
  const chunks = (size: number): Uint8Array[] => {
    if (value.length === 0 || value.length % size !== 0) throw new Misfit();
    return Array.from({ length: value.length / size }, (_, i) => value.subarray(i * size, (i + 1) * size));
  };
  switch (key) {
    case 0: return chunks(2).map((c) => keyName((c[0]! << 8) | c[1]!)).join(',');
    case 1: {
      const items: Uint8Array[] = [];
      for (let at = 0; at < value.length; at += 1 + value[at]!) {
        if (value[at] === 0 || at + 1 + value[at]! > value.length) throw new Misfit();
        items.push(value.subarray(at + 1, at + 1 + value[at]!));
      }
      if (items.length === 0) throw new Misfit();
      return list(items);
    }
    case 2: case 8: if (value.length > 0) throw new Misfit(); return '';
    case 3: if (value.length !== 2) throw new Misfit(); return String((value[0]! << 8) | value[1]!);
    case 4: return chunks(4).map((c) => c.join('.')).join(',');
    case 5: return Buffer.from(value).toString('base64');
    case 6: return chunks(16).map(ipv6Text).join(',');
    default: return quoted(value);
  }
}

/** Joins `key=` and the quoted value after it, which the tokenizer splits at the quote. */
function params(tokens: Token[]): Array<{ key: string; value: Uint8Array | undefined }> {
  const out: Array<{ key: string; value: Uint8Array | undefined }> = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.quoted) fail(`a SvcParam value must follow its key: ${show(token.text)}`);
    const eq = token.text.indexOf('=');
    if (eq < 0) { out.push({ key: token.text, value: undefined }); continue; }
    let value = token.text.slice(eq + 1);
    if (value === '' && tokens[i + 1]?.quoted) value = tokens[++i]!.text;
    out.push({ key: token.text.slice(0, eq), value: textBytes(value) });
  }
  return out;
}

export const svcParams: Field = {
  read: (tokens: Tokens) => {
    const seen = new Map<number, Uint8Array>();
    for (const { key, value } of params(tokens.rest())) {
      const code = keyCode(key);
      if (seen.has(code)) fail(`SvcParamKey ${keyName(code)} appears twice`);
      const wire = encodeValue(code, value);
      if (wire.length > 65535) fail(`${keyName(code)} value too long`);
      seen.set(code, wire);
    }
    // RFC 9460 §8: the keys listed as mandatory are present, and "mandatory" is not one of them.
    const mandatory = seen.get(0);
    for (let at = 0; mandatory && at < mandatory.length; at += 2) {
      const listed = (mandatory[at]! << 8) | mandatory[at + 1]!;
      if (listed === 0 || !seen.has(listed)) fail(`mandatory lists ${keyName(listed)}, which is ${listed === 0 ? 'not allowed' : 'missing'}`);
    }
    return concat([...seen].sort(([a], [b]) => a - b).map(([code, wire]) => concat([uintBytes(code, 2), uintBytes(wire.length, 2), wire])));
  },
  write: (f: FieldReader) => {
    const out: string[] = [];
    let last = -1;
    while (!f.done) {
      const key = f.uint(2);
      if (key <= last) throw new Misfit();
      last = key;
      const text = decodeValue(key, f.take(f.uint(2)));
      out.push(text === '' ? keyName(key) : `${keyName(key)}=${text}`);
    }
    return out.join(' ');
  },
};
