// IP addresses as the bytes that go into A and AAAA RDATA.
import { isIPv4, isIPv6 } from 'node:net';

/** 192.168.1.10 → 4 bytes; undefined when the text is not an IPv4 address. */
export function ipv4Bytes(text: string): Uint8Array | undefined {
  if (!isIPv4(text)) return undefined;
  return Uint8Array.from(text.split('.').map(Number));
}

/** fd00::10, ::ffff:1.2.3.4 → 16 bytes; undefined when the text is not IPv6. */
export function ipv6Bytes(text: string): Uint8Array | undefined {
  if (!isIPv6(text)) return undefined;
  const zoneless = text.split('%')[0]!;
  const [head = '', tail] = zoneless.split('::') as [string, string | undefined];
  const groups = (part: string): number[] => {
    if (part === '') return [];
    return part.split(':').flatMap((group) => {
      const v4 = ipv4Bytes(group);
      return v4 ? [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!] : [parseInt(group, 16)];
    });
  };
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = new Uint8Array(16);
  all.forEach((group, i) => {
    out[i * 2] = group >> 8;
    out[i * 2 + 1] = group & 0xff;
  });
  return out;
}
