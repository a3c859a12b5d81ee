import * as dnsPacket from '@leichtgewicht/dns-packet';
import { describe, expect, it } from 'vitest';
import { Rcode, type Query, type Response } from './message.ts';
import { nameToWire } from './name.ts';
import { RRType } from './record.ts';
import { EDNS_UDP_SIZE, encodeResponse, parseQuery, responseLimit } from './wire.ts';

function query(packet: dnsPacket.Packet): Uint8Array {
  return dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, ...packet });
}

function parsedQuery(bytes: Uint8Array): Query {
  const parsed = parseQuery(bytes);
  if (parsed.kind !== 'query') throw new Error(`expected a query, got ${parsed.kind}`);
  return parsed.query;
}

const A_NAS: Response = {
  rcode: Rcode.NOERROR,
  authoritative: true,
  source: 'zone',
  authority: [],
  additional: [],
  answer: [{ name: 'nas.home.lan', type: RRType.A, class: 1, ttl: 3600, rdata: Uint8Array.of(192, 168, 1, 10) }],
};

describe('parsing a query', () => {
  it('reads the ID, the question in lowercase and the RD flag', () => {
    const q = parsedQuery(query({ questions: [{ name: 'NAS.Home.LAN', type: 'AAAA' }] }));
    expect(q).toMatchObject({ id: 4242, name: 'nas.home.lan', type: RRType.AAAA, class: 1, recursionDesired: true, edns: undefined });
  });

  it('reads EDNS0: the UDP size and the DO bit', () => {
    const q = parsedQuery(
      query({
        questions: [{ name: 'x.lan', type: 'A' }],
        additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, flags: dnsPacket.DNSSEC_OK, data: [] } as never],
      }),
    );
    expect(q.edns).toEqual({ udpSize: 4096, version: 0, dnssecOk: true });
  });

  it('drops responses and runts instead of answering them', () => {
    expect(parseQuery(dnsPacket.encode({ type: 'response', id: 1, questions: [{ name: 'a', type: 'A' }] })).kind).toBe('drop');
    expect(parseQuery(new Uint8Array(5)).kind).toBe('drop');
  });

  it('answers unknown opcodes with NOTIMP and odd question counts with FORMERR', () => {
    const notify = query({ questions: [{ name: 'a', type: 'A' }] });
    notify[2] = (notify[2]! & 0x87) | (4 << 3);
    expect(parseQuery(notify)).toMatchObject({ kind: 'error', rcode: Rcode.NOTIMP });
    expect(parseQuery(query({ questions: [] }))).toMatchObject({ kind: 'error', rcode: Rcode.FORMERR });
  });

  it('refuses the CHAOS class with NOTIMP and EDNS version 1 with BADVERS', () => {
    expect(parseQuery(query({ questions: [{ name: 'version.bind', type: 'TXT', class: 'CH' }] }))).toMatchObject({ kind: 'error', rcode: Rcode.NOTIMP });
    const v1 = query({
      questions: [{ name: 'a', type: 'A' }],
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, ednsVersion: 1, data: [] } as never],
    });
    expect(parseQuery(v1)).toMatchObject({ kind: 'error', rcode: Rcode.BADVERS });
  });

  it('rejects a question name with a compression pointer or a truncated label', () => {
    const bytes = query({ questions: [{ name: 'abc.lan', type: 'A' }] });
    expect(parseQuery(bytes.subarray(0, 16))).toMatchObject({ kind: 'error', rcode: Rcode.FORMERR });
    const pointer = Uint8Array.from([...bytes.subarray(0, 12), 0xc0, 0x0c, 0, 1, 0, 1]);
    expect(parseQuery(pointer)).toMatchObject({ kind: 'error', rcode: Rcode.FORMERR });
  });
});

describe('encoding a response', () => {
  it('echoes the ID and the question as sent, and compresses the owner name', () => {
    const q = parsedQuery(query({ questions: [{ name: 'NAS.home.lan', type: 'A' }] }));
    const bytes = encodeResponse(q, A_NAS, 512);
    const decoded = dnsPacket.decode(bytes);
    expect(decoded.id).toBe(4242);
    expect(decoded.questions?.[0]?.name).toBe('NAS.home.lan');
    expect(decoded.flag_aa).toBe(true);
    expect(decoded.answers?.[0]).toMatchObject({ name: 'NAS.home.lan', type: 'A', data: '192.168.1.10', ttl: 3600 });
    expect(bytes.length).toBe(12 + q.question.length + 2 + 10 + 4);
  });

  it('adds an OPT record advertising 1232 bytes when the client used EDNS', () => {
    const q = parsedQuery(
      query({
        questions: [{ name: 'nas.home.lan', type: 'A' }],
        additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096, data: [] } as never],
      }),
    );
    const decoded = dnsPacket.decode(encodeResponse(q, A_NAS, responseLimit(q, 'udp')));
    expect(decoded.additionals?.[0]).toMatchObject({ type: 'OPT', udpPayloadSize: EDNS_UDP_SIZE });
    expect(responseLimit(q, 'udp')).toBe(EDNS_UDP_SIZE);
  });

  it('sets TC and sends no records when the answer does not fit', () => {
    const many: Response = {
      ...A_NAS,
      answer: Array.from({ length: 40 }, (_, i) => ({
        name: 'big.home.lan',
        type: RRType.TXT,
        class: 1,
        ttl: 60,
        rdata: Uint8Array.of(20, ...new Uint8Array(20).fill(97 + (i % 26))),
      })),
    };
    const q = parsedQuery(query({ questions: [{ name: 'big.home.lan', type: 'TXT' }] }));
    const decoded = dnsPacket.decode(encodeResponse(q, many, 512));
    expect(decoded.flag_tc).toBe(true);
    expect(decoded.answers).toHaveLength(0);
    expect(dnsPacket.decode(encodeResponse(q, many, 65535)).answers).toHaveLength(40);
  });

  it('writes names in RDATA uncompressed and owners other than the question in full', () => {
    const q = parsedQuery(query({ questions: [{ name: 'files.home.lan', type: 'A' }] }));
    const response: Response = {
      ...A_NAS,
      answer: [{ name: 'files.home.lan', type: RRType.CNAME, class: 1, ttl: 60, rdata: nameToWire('nas.home.lan') }, A_NAS.answer[0]!],
    };
    const decoded = dnsPacket.decode(encodeResponse(q, response, 512));
    expect(decoded.answers?.map((a) => [a.name, a.type, a.data])).toEqual([
      ['files.home.lan', 'CNAME', 'nas.home.lan'],
      ['nas.home.lan', 'A', '192.168.1.10'],
    ]);
  });

  it('sends a cached answer with its TTLs reduced by its age, and a stale one at a fixed TTL', () => {
    const q = parsedQuery(query({ questions: [{ name: 'nas.home.lan', type: 'A' }] }));
    const ttlOf = (response: Response) => dnsPacket.decode(encodeResponse(q, response, 512)).answers?.[0]?.ttl;
    expect(ttlOf({ ...A_NAS, ttls: { minus: 600 } })).toBe(3000);
    expect(ttlOf({ ...A_NAS, ttls: { minus: 9999 } })).toBe(0);
    expect(ttlOf({ ...A_NAS, ttls: { fixed: 30 } })).toBe(30);
    expect(ttlOf(A_NAS)).toBe(3600);
  });
});
