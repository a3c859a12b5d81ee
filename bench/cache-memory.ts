// Heap cost of a full answer cache: 50,000 entries stored from responses
// shaped like the forwarding stage's (records decoded from upstream packets,
// each RDATA a small Uint8Array of its own), then each answered once from the
// cache, so the hot set is full and its prepared wire bytes (wire.ts) alive.
// Target: under 40 MB of heap.
// Run: node --expose-gc bench/cache-memory.ts
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { AnswerCache, cacheKey, HOT_ENTRIES } from '../src/dns/cache/cache.ts';
import { Rcode, type Response } from '../src/dns/message.ts';
import { nameToWire } from '../src/dns/name.ts';
import { RRClass, RRType, type ResourceRecord } from '../src/dns/record.ts';
import { encodeResponse, parseQuery } from '../src/dns/wire.ts';

const ENTRIES = 50_000;
const TARGET_MB = 40;
const UPSTREAM = 'upstream:https://dns.quad9.net/dns-query';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc bench/cache-memory.ts');

/** A received packet that decoded records slice their RDATA out of. */
const packet = Uint8Array.from({ length: 512 }, (_, i) => (i * 31) & 0xff);
let cursor = 0;
function rdataOf(length: number): Uint8Array {
  cursor = (cursor + 7) % (packet.length - 64);
  return packet.slice(cursor, cursor + length);
}

/** Names as a decoder produces them: a fresh string per record. */
function owner(n: number): string {
  return ['host', n, '.example.com'].join('');
}

function record(name: string, type: number, rdata: Uint8Array, ttl: number): ResourceRecord {
  return { name, type, class: RRClass.IN, ttl, rdata };
}

function soaRdata(): Uint8Array {
  const wire = Uint8Array.from([...nameToWire('ns1.example.com'), ...nameToWire('hostmaster.example.com'), ...new Uint8Array(20)]);
  const copy = rdataOf(wire.length);
  copy.set(wire);
  copy[copy.length - 1] = 60; // MINIMUM 60 s
  return copy;
}

/** 60% A (1–3 records), 15% AAAA (1–2), 10% CNAME + A, 15% negative (NXDOMAIN, NODATA). */
function typeOf(n: number): number {
  const kind = n % 20;
  return kind < 12 || (kind >= 15 && kind < 17) ? RRType.A : RRType.AAAA;
}

function entry(n: number): Response {
  const kind = n % 20;
  const ttl = 300 + (n % 3000);
  const answer = (records: ResourceRecord[], rcode: number = Rcode.NOERROR, authority: ResourceRecord[] = []): Response => ({
    rcode,
    authoritative: false,
    answer: records,
    authority,
    additional: [],
    source: UPSTREAM,
  });
  if (kind < 12) {
    const count = 1 + (n % 3);
    return answer(Array.from({ length: count }, () => record(owner(n), RRType.A, rdataOf(4), ttl)));
  }
  if (kind < 15) {
    const count = 1 + (n % 2);
    return answer(Array.from({ length: count }, () => record(owner(n), RRType.AAAA, rdataOf(16), ttl)));
  }
  if (kind < 17) {
    const target = nameToWire(`edge${n}.cdn.example.net`);
    const cname = record(owner(n), RRType.CNAME, rdataOf(target.length), ttl);
    return answer([cname, record(`edge${n}.cdn.example.net`, RRType.A, rdataOf(4), 60)]);
  }
  const soa = record('example.com', RRType.SOA, soaRdata(), 60);
  return answer([], kind < 19 ? Rcode.NXDOMAIN : Rcode.NOERROR, [soa]);
}

function queryFor(name: string, type: number) {
  const parsed = parseQuery(dnsPacket.encode({ type: 'query', id: 1, questions: [{ name, type: type === RRType.A ? 'A' : 'AAAA' }] }));
  if (parsed.kind !== 'query') throw new Error('bad query');
  return parsed.query;
}

function heapMb(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** Bytes of ArrayBuffers kept outside the heap (V8 keeps those over 64 bytes there). */
function offHeapMb(): number {
  return process.memoryUsage().arrayBuffers / 1024 / 1024;
}

const cache = new AnswerCache({ max_entries: ENTRIES, min_ttl: 0, max_ttl: 86400, serve_stale: true });
const before = heapMb();
const offHeapBefore = offHeapMb();
for (let n = 0; n < ENTRIES; n++) {
  if (!cache.set(cacheKey(owner(n), typeOf(n), RRClass.IN, false), entry(n))) throw new Error(`entry ${n} was not cached`);
}
const filled = heapMb();
for (let n = 0; n < ENTRIES; n++) {
  const hit = cache.response(cache.get(cacheKey(owner(n), typeOf(n), RRClass.IN, false))!);
  encodeResponse(queryFor(owner(n), typeOf(n)), hit, 1232);
}
const served = heapMb();

const report = (label: string, mb: number): void => {
  const used = mb - before;
  console.log(`${label.padEnd(34)} ${used.toFixed(1).padStart(5)} MB  ${Math.round((used * 1024 * 1024) / cache.size)} bytes/entry`);
};
console.log(`${cache.size} entries; heap before filling ${before.toFixed(1)} MB, after ${served.toFixed(1)} MB`);
report('stored (all packed)', filled);
report(`answered once each (${HOT_ENTRIES} hot)`, served);
console.log(`${'outside the heap (ArrayBuffers)'.padEnd(34)} ${(offHeapMb() - offHeapBefore).toFixed(1).padStart(5)} MB`);
console.log(`target < ${TARGET_MB} MB: ${served - before < TARGET_MB ? 'met' : 'MISSED'}`);
