// The public addresses a dynamic-DNS record may point at. Anything a "what is
// my IP" service, an interface or a command hands us is checked here: an
// address that is private, reserved or otherwise not globally reachable must
// never reach a public zone.
import { isIP, SocketAddress } from 'node:net';
import { ipv4Bytes, ipv6Bytes } from '../net/address.ts';

export type Family = 4 | 6;
export const FAMILIES: readonly Family[] = [4, 6];
export type FamilyKey = 'v4' | 'v6';

export function familyKey(family: Family): FamilyKey {
  return family === 4 ? 'v4' : 'v6';
}

/** A prefix of the special-purpose registries: the first bytes and how many bits of them count. */
type Prefix = readonly [bytes: readonly number[], bits: number];

// RFC 6890 §2.2.2 and the IANA IPv4 Special-Purpose Address Registry: none
// of these is globally reachable (192.88.99.0/24 was deprecated by RFC 7526).
const NOT_GLOBAL_V4: readonly Prefix[] = [
  [[0], 8],
  [[10], 8],
  [[100, 64], 10],
  [[127], 8],
  [[169, 254], 16],
  [[172, 16], 12],
  [[192, 0, 0], 24],
  [[192, 0, 2], 24],
  [[192, 88, 99], 24],
  [[192, 168], 16],
  [[198, 18], 15],
  [[198, 51, 100], 24],
  [[203, 0, 113], 24],
  [[224], 4],
  [[240], 4],
];

// IPv6 global unicast is 2000::/3 (RFC 4291 §2.4); within it, the IANA
// IPv6 Special-Purpose Address Registry sets aside IETF protocol assignments
// (2001::/23, holding Teredo 2001::/32), documentation (2001:db8::/32, RFC
// 3849; 3fff::/20, RFC 9637) and 6to4 (2002::/16, RFC 3056), whose address
// follows an IPv4 one rather than naming a host of its own.
const GLOBAL_V6: Prefix = [[0x20], 3];
const NOT_GLOBAL_V6: readonly Prefix[] = [
  [[0x20, 0x01, 0x00], 23],
  [[0x20, 0x01, 0x0d, 0xb8], 32],
  [[0x20, 0x02], 16],
  [[0x3f, 0xff], 20],
];

function within(address: Uint8Array, [prefix, bits]: Prefix): boolean {
  for (let bit = 0; bit < bits; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((address[bit >> 3]! & mask) !== ((prefix[bit >> 3] ?? 0) & mask)) return false;
  }
  return true;
}

/** `text` in its canonical form (RFC 5952 for IPv6) when it is a globally
 *  reachable unicast address of `family`; undefined for anything else,
 *  including text around the address and IPv6 zone indexes. */
export function globalAddress(text: string, family: Family): string | undefined {
  if (isIP(text) !== family || text.includes('%')) return undefined;
  if (family === 4) {
    const bytes = ipv4Bytes(text)!;
    return NOT_GLOBAL_V4.some((prefix) => within(bytes, prefix)) ? undefined : bytes.join('.');
  }
  const bytes = ipv6Bytes(text)!;
  if (!within(bytes, GLOBAL_V6) || NOT_GLOBAL_V6.some((prefix) => within(bytes, prefix))) return undefined;
  return new SocketAddress({ address: text, family: 'ipv6' }).address;
}
