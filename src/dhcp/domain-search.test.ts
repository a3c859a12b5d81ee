import { describe, expect, it } from 'vitest';
import { decodeDomainSearch, encodeDomainSearch } from './domain-search.ts';
import { Option } from './options.ts';
import { clientPacket } from '../../test/support/dhcp-packets.ts';
import { decodePacket } from './packet.ts';

const ascii = (text: string) => [...Buffer.from(text)];

/** RFC 3397 §2's example: "eng.apple.com." then "marketing.apple.com.", pointing back at "apple.com". */
const RFC_EXAMPLE = [3, ...ascii('eng'), 5, ...ascii('apple'), 3, ...ascii('com'), 0, 9, ...ascii('marketing'), 0xc0, 0x04];

describe('the domain search list (option 119, RFC 3397)', () => {
  it('encodes the RFC example byte for byte, with the suffix compressed', () => {
    expect([...encodeDomainSearch(['eng.apple.com', 'marketing.apple.com'])]).toEqual(RFC_EXAMPLE);
    expect(decodeDomainSearch(Uint8Array.from(RFC_EXAMPLE))).toEqual(['eng.apple.com', 'marketing.apple.com']);
  });

  it('reads the example as the RFC sends it: three option instances of 9 bytes, concatenated (RFC 3396)', () => {
    const pieces = [RFC_EXAMPLE.slice(0, 9), RFC_EXAMPLE.slice(9, 18), RFC_EXAMPLE.slice(18)];
    const result = decodePacket(
      clientPacket(
        'INFORM',
        pieces.map((piece) => [Option.DOMAIN_SEARCH, piece] as const),
      ),
    );
    if (!result.ok) throw new Error(result.reason);
    expect(decodeDomainSearch(result.packet.options.get(Option.DOMAIN_SEARCH)!)).toEqual(['eng.apple.com', 'marketing.apple.com']);
  });

  it('points a name that is wholly a suffix of an earlier one at it', () => {
    const value = encodeDomainSearch(['iot.home.lan', 'home.lan', 'lan']);
    expect([...value.subarray(14)]).toEqual([0xc0, 4, 0xc0, 9]);
    expect(decodeDomainSearch(value)).toEqual(['iot.home.lan', 'home.lan', 'lan']);
  });

  it.each([
    ['a pointer to itself', [1, 0x61, 0xc0, 2]],
    ['a pointer forwards', [0xc0, 2, 1, 0x61, 0]],
    ['a pointer cut in half', [1, 0x61, 0xc0]],
    ['a label running past the end', [5, 0x61, 0x62]],
    ['a name without its end', [1, 0x61]],
    ['a label longer than 63', [64, ...new Array(64).fill(0x61), 0]],
    ['a name over 255 bytes', [...Array.from({ length: 5 }, () => [63, ...new Array(63).fill(0x61)]).flat(), 0]],
  ])('refuses %s', (_, value) => {
    expect(decodeDomainSearch(Uint8Array.from(value))).toBeUndefined();
  });

  it('refuses a chain of backward pointers that would build a name without end', () => {
    // Each name jumps back to a label followed by a jump further back: the
    // 255-byte limit stops it.
    const value = [1, 0x61, ...Array.from({ length: 200 }, (_, i) => [1, 0x62, 0xc0, 0x00 + i * 4]).flat()];
    expect(decodeDomainSearch(Uint8Array.from(value))).toBeUndefined();
  });
});
