import * as dnsPacket from '@leichtgewicht/dns-packet';
import { describe, expect, it } from 'vitest';
import { nameFromWire } from '../name.ts';
import { RRType } from '../record.ts';
import { MalformedMessage } from '../reader.ts';
import { buildQuery, parseReply } from './message.ts';

describe('the query sent upstream', () => {
  it("asks the question with RD, EDNS at 1232 bytes, and the client's DO and CD", () => {
    const decoded = dnsPacket.decode(buildQuery({ name: 'example.com', type: RRType.AAAA, dnssecOk: true, checkingDisabled: true }));
    expect(decoded.questions).toEqual([{ name: 'example.com', type: 'AAAA', class: 'IN' }]);
    expect(decoded.flag_rd).toBe(true);
    expect(decoded.flag_cd).toBe(true);
    expect(decoded.additionals?.[0]).toMatchObject({ type: 'OPT', udpPayloadSize: 1232, flag_do: true });
  });
});

describe('reading an upstream reply', () => {
  /** www.example.com CNAME example.com (compressed), example.com A 93.184.215.14 */
  const reply = Uint8Array.from([
    0,
    7,
    0x81,
    0xa0,
    0,
    1,
    0,
    2,
    0,
    0,
    0,
    1,
    3,
    119,
    119,
    119,
    7,
    101,
    120,
    97,
    109,
    112,
    108,
    101,
    3,
    99,
    111,
    109,
    0,
    0,
    1,
    0,
    1, // question at 12
    0xc0,
    12,
    0,
    5,
    0,
    1,
    0,
    0,
    0,
    60,
    0,
    2,
    0xc0,
    16, // CNAME -> pointer to "example.com"
    0xc0,
    16,
    0,
    1,
    0,
    1,
    0x80,
    0,
    0,
    0,
    0,
    4,
    93,
    184,
    215,
    14, // TTL with the top bit set
    0,
    0,
    41,
    4,
    208,
    1,
    0,
    0,
    0,
    0,
    0, // OPT, extended RCODE bits 1
  ]);

  it('decompresses names in owners and in CNAME data', () => {
    const response = parseReply(reply, 'upstream:udp://127.0.0.1');
    expect(response.answer.map((r) => r.name)).toEqual(['www.example.com', 'example.com']);
    expect(nameFromWire(response.answer[0]!.rdata).name).toBe('example.com');
    expect(response.source).toBe('upstream:udp://127.0.0.1');
  });

  it('reads AD, the extended RCODE, and a TTL with the top bit set as zero (RFC 2181 §8)', () => {
    const response = parseReply(reply, 'upstream:x');
    expect(response.authenticData).toBe(true);
    expect(response.rcode).toBe(16);
    expect(response.answer[1]!.ttl).toBe(0);
    expect(response.additional).toEqual([]);
  });

  it('rejects forward pointers, truncated records and overlong names', () => {
    const forward = Uint8Array.from(reply);
    forward[45] = 0xc0;
    forward[46] = 60;
    expect(() => parseReply(forward, 'upstream:x')).toThrow(MalformedMessage);
    expect(() => parseReply(reply.subarray(0, 50), 'upstream:x')).toThrow(MalformedMessage);
    for (let cut = 0; cut < reply.length; cut++) {
      try {
        parseReply(reply.subarray(0, cut), 'upstream:x');
      } catch (error) {
        expect(error).toBeInstanceOf(MalformedMessage);
      }
    }
  });
});
