// Fields whose layout depends on a type byte written before them: the
// gateway of IPSECKEY (RFC 4025 §3.1) and the relay of AMTRELAY (RFC 8777
// §4.3), and APL's list of address prefixes (RFC 3123 §4).
import { ipv4Bytes, ipv6Bytes } from '../../net/address.ts';
import { nameToWire, parseName } from '../name.ts';
import { concat, ipv6Text, Misfit, nameText, uintBytes, type Field, type FieldReader } from './rdata-fields.ts';
import { fail, show, type Tokens } from './syntax.ts';
import type { Name } from '../record.ts';

/** A gateway or relay of type 0 (none, "."), 1 (IPv4), 2 (IPv6) or 3 (a name). */
function gatewayBytes(kind: number, text: string, origin: Name): Uint8Array {
  switch (kind) {
    case 0: if (text !== '.') fail(`a gateway of type 0 is written ".", not ${show(text)}`); return new Uint8Array();
    case 1: return ipv4Bytes(text) ?? fail(`not an IPv4 address: ${show(text)}`);
    case 2: return (text.includes('%') ? undefined : ipv6Bytes(text)) ?? fail(`not an IPv6 address: ${show(text)}`);
    case 3: return nameToWire(parseName(text, origin));
    default: return fail(`unknown gateway type ${kind} (expected 0..3)`);
  }
}

function gatewayText(kind: number, f: FieldReader): string {
  switch (kind) {
    case 0: return '.';
    case 1: return f.take(4).join('.');
    case 2: return ipv6Text(f.take(16));
    case 3: return nameText(f.name());
    default: throw new Misfit();
  }
}

function small(tokens: Tokens, word: string, max: number): number {
  const text = tokens.next(word).text;
  if (!/^\d{1,3}$/.test(text) || Number(text) > max) fail(`bad ${word} ${show(text)} (expected 0..${max})`);
  return Number(text);
}

/** IPSECKEY after its precedence: gateway type, algorithm, gateway. */
export const ipsecGateway: Field = {
  read: (tokens, origin) => {
    const kind = small(tokens, 'gateway type', 255);
    const algorithm = small(tokens, 'algorithm', 255);
    return concat([Uint8Array.of(kind, algorithm), gatewayBytes(kind, tokens.next('gateway').text, origin)]);
  },
  write: (f) => {
    const kind = f.uint(1);
    return `${kind} ${f.uint(1)} ${gatewayText(kind, f)}`;
  },
};

/** AMTRELAY after its precedence: the discovery-optional bit, relay type, relay. */
export const amtRelay: Field = {
  read: (tokens, origin) => {
    const discovery = small(tokens, 'discovery optional bit', 1);
    const kind = small(tokens, 'relay type', 127);
    return concat([Uint8Array.of((discovery << 7) | kind), gatewayBytes(kind, tokens.next('relay').text, origin)]);
  },
  write: (f) => {
    const byte = f.uint(1);
    return `${byte >> 7} ${byte & 127} ${gatewayText(byte & 127, f)}`;
  },
};

const FAMILIES = new Map([[1, { size: 4, parse: ipv4Bytes }], [2, { size: 16, parse: (text: string) => (text.includes('%') ? undefined : ipv6Bytes(text)) }]]);

/** APL: `[!]family:address/prefix` items, the address cut after its last non-zero byte (RFC 3123 §4). */
export const addressPrefixes: Field = {
  read: (tokens) => concat(tokens.rest().map(({ text }) => {
    const match = /^(!?)(\d+):([^/]+)\/(\d+)$/.exec(text);
    const family = FAMILIES.get(Number(match?.[2]));
    const address = family?.parse(match![3]!);
    if (!match || !family || !address || Number(match[4]) > family.size * 8) fail(`bad APL item ${show(text)} (expected [!]1:192.0.2.0/24 or 2:2001:db8::/32)`);
    let length = address.length;
    while (length > 0 && address[length - 1] === 0) length--;
    return concat([uintBytes(Number(match[2]), 2), Uint8Array.of(Number(match[4]), (match[1] ? 0x80 : 0) | length), address.subarray(0, length)]);
  })),
  write: (f) => {
    const items: string[] = [];
    while (!f.done) {
      const family = FAMILIES.get(f.uint(2));
      const prefix = f.uint(1);
      const flags = f.uint(1);
      const part = f.take(flags & 0x7f);
      if (!family || part.length > family.size || prefix > family.size * 8 || part.at(-1) === 0) throw new Misfit();
      const address = new Uint8Array(family.size);
      address.set(part);
      items.push(`${flags & 0x80 ? '!' : ''}${family.size === 4 ? 1 : 2}:${family.size === 4 ? address.join('.') : ipv6Text(address)}/${prefix}`);
    }
    return items.join(' ');
  },
};

