import { describe, expect, it } from 'vitest';
import { Rcode, type Response } from '../message.ts';
import { nameToWire } from '../name.ts';
import { RRClass, RRType, type ResourceRecord } from '../record.ts';
import { AnswerCache, cacheKey, HOT_ENTRIES, MAX_STALE_SECONDS, type CacheSettings } from './cache.ts';

const SETTINGS: CacheSettings = { max_entries: 100, min_ttl: 0, max_ttl: 86400, serve_stale: false };

function a(name: string, ttl: number, last = 1): ResourceRecord {
  return { name, type: RRType.A, class: RRClass.IN, ttl, rdata: Uint8Array.of(192, 0, 2, last) };
}

/** An SOA whose MINIMUM (the RDATA's last 4 bytes) is known. */
function soa(zone: string, ttl: number, minimum: number): ResourceRecord {
  const numbers = new Uint8Array(20);
  const view = new DataView(numbers.buffer);
  [2024010101, 7200, 3600, 1209600, minimum].forEach((value, i) => view.setUint32(i * 4, value));
  const rdata = Uint8Array.from([...nameToWire(`ns.${zone}`), ...nameToWire(`hostmaster.${zone}`), ...numbers]);
  return { name: zone, type: RRType.SOA, class: RRClass.IN, ttl, rdata };
}

function response(rcode: number, answer: ResourceRecord[], authority: ResourceRecord[] = []): Response {
  return { rcode, authoritative: false, answer, authority, additional: [], source: 'upstream:udp://192.0.2.53:53' };
}

function setup(settings: Partial<CacheSettings> = {}) {
  const clock = { t: 1_000_000 };
  const cache = new AnswerCache({ ...SETTINGS, ...settings }, () => clock.t);
  return { cache, clock };
}

const KEY = cacheKey('www.example.com', RRType.A, RRClass.IN, false);

describe('positive answers', () => {
  it('keep the records as given, fresh for the smallest answer TTL', () => {
    const { cache, clock } = setup();
    const given = response(Rcode.NOERROR, [a('www.example.com', 300), a('www.example.com', 120, 2)]);
    const entry = cache.set(KEY, given);
    expect(entry?.ttl).toBe(120);
    expect(cache.response(entry!)).toEqual({ ...given, authenticData: false, source: 'cache' });
    clock.t += 119_500;
    expect(cache.get(KEY)?.isFresh(clock.t)).toBe(true);
    expect(cache.get(KEY)?.age(clock.t)).toBe(119);
    clock.t += 500;
    expect(cache.get(KEY)?.isFresh(clock.t) ?? false).toBe(false);
  });

  it('are dropped at expiry without serve_stale', () => {
    const { cache, clock } = setup();
    cache.set(KEY, response(Rcode.NOERROR, [a('www.example.com', 60)]));
    clock.t += 60_000;
    expect(cache.get(KEY)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('with serve_stale, linger one day past expiry (RFC 8767 §5)', () => {
    const { cache, clock } = setup({ serve_stale: true });
    cache.set(KEY, response(Rcode.NOERROR, [a('www.example.com', 60)]));
    clock.t += (60 + MAX_STALE_SECONDS - 1) * 1000;
    expect(cache.get(KEY)?.isFresh(clock.t)).toBe(false);
    clock.t += 1000;
    expect(cache.get(KEY)).toBeUndefined();
  });

  it('are not kept with a zero TTL (RFC 1035 §3.2.1)', () => {
    const { cache } = setup();
    expect(cache.set(KEY, response(Rcode.NOERROR, [a('www.example.com', 0)]))).toBeUndefined();
  });
});

describe('packed entries', () => {
  it('unpack to the records, flags and RCODE stored, with owner names of any shape', () => {
    const { cache } = setup();
    const cname = { name: 'a\\.b.example.com', type: RRType.CNAME, class: RRClass.IN, ttl: 600, rdata: nameToWire('edge.cdn.example.net') };
    const given: Response = {
      ...response(Rcode.NOERROR, [cname, a('edge.cdn.example.net', 60), a('edge.cdn.example.net', 60, 2)]),
      authoritative: true,
      authenticData: true,
      additional: [{ name: 'edge.cdn.example.net', type: RRType.TXT, class: RRClass.IN, ttl: 60, rdata: Uint8Array.of(2, 0x68, 0x69) }],
    };
    const key = cacheKey('a\\.b.example.com', RRType.A, RRClass.IN, false);
    expect(cache.response(cache.set(key, given)!)).toEqual({ ...given, source: 'cache' });
  });

  it('stay unpacked while hot, so hits share one Response and its prepared bytes', () => {
    const { cache } = setup({ max_entries: HOT_ENTRIES * 2 });
    const first = cache.set(KEY, response(Rcode.NOERROR, [a('www.example.com', 60)]))!;
    const hot = cache.response(first);
    expect(cache.response(first)).toBe(hot);
    for (let n = 0; n < HOT_ENTRIES; n++) {
      const name = `host${n}.example.com`;
      cache.response(cache.set(cacheKey(name, RRType.A, RRClass.IN, false), response(Rcode.NOERROR, [a(name, 60)]))!);
    }
    const again = cache.response(first);
    expect(again).not.toBe(hot);
    expect(again).toEqual(hot);
  });
});

describe('min_ttl and max_ttl', () => {
  it('raise short TTLs, in the entry and in the records sent', () => {
    const { cache } = setup({ min_ttl: 60 });
    const entry = cache.set(KEY, response(Rcode.NOERROR, [a('www.example.com', 5), a('www.example.com', 300, 2)]));
    expect(entry?.ttl).toBe(60);
    expect(cache.response(entry!).answer.map((r) => r.ttl)).toEqual([60, 300]);
  });

  it('cap long TTLs, in the entry and in the records sent', () => {
    const { cache } = setup({ max_ttl: 3600 });
    const entry = cache.set(KEY, response(Rcode.NOERROR, [a('www.example.com', 604800)]));
    expect(entry?.ttl).toBe(3600);
    expect(cache.response(entry!).answer[0]?.ttl).toBe(3600);
  });
});

describe('negative answers (RFC 2308 §5)', () => {
  it('cache NXDOMAIN for min(SOA TTL, SOA MINIMUM)', () => {
    const { cache } = setup();
    expect(cache.set(KEY, response(Rcode.NXDOMAIN, [], [soa('example.com', 3600, 900)]))?.ttl).toBe(900);
    expect(cache.set(KEY, response(Rcode.NXDOMAIN, [], [soa('example.com', 300, 900)]))?.ttl).toBe(300);
  });

  it('cache NODATA the same way, with the SOA sent at the negative TTL', () => {
    const { cache } = setup();
    const entry = cache.set(KEY, response(Rcode.NOERROR, [], [soa('example.com', 3600, 900)]));
    expect(entry?.ttl).toBe(900);
    expect(cache.response(entry!).authority[0]?.ttl).toBe(900);
  });

  it('bound a CNAME to a name without data by the SOA', () => {
    const { cache } = setup();
    const cname = { name: 'www.example.com', type: RRType.CNAME, class: RRClass.IN, ttl: 3600, rdata: nameToWire('gone.example.com') };
    expect(cache.set(KEY, response(Rcode.NXDOMAIN, [cname], [soa('example.com', 600, 60)]))?.ttl).toBe(60);
  });

  it('are not cached without an SOA', () => {
    const { cache } = setup();
    expect(cache.set(KEY, response(Rcode.NXDOMAIN, []))).toBeUndefined();
    expect(cache.set(KEY, response(Rcode.NOERROR, []))).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

describe('what is never cached', () => {
  it('SERVFAIL, REFUSED and FORMERR', () => {
    const { cache } = setup();
    for (const rcode of [Rcode.SERVFAIL, Rcode.REFUSED, Rcode.FORMERR]) {
      expect(cache.set(KEY, response(rcode, [], [soa('example.com', 3600, 900)]))).toBeUndefined();
    }
    expect(cache.size).toBe(0);
  });

  it('anything, when max_entries is 0', () => {
    const { cache } = setup({ max_entries: 0 });
    expect(cache.set(KEY, response(Rcode.NOERROR, [a('www.example.com', 60)]))).toBeUndefined();
  });
});

describe('keys and bounds', () => {
  it('keep DO=1 and DO=0 answers apart', () => {
    const { cache } = setup();
    const plain = response(Rcode.NOERROR, [a('www.example.com', 60)]);
    const signed = response(Rcode.NOERROR, [a('www.example.com', 60, 2)]);
    cache.set(cacheKey('www.example.com', RRType.A, RRClass.IN, false), plain);
    cache.set(cacheKey('www.example.com', RRType.A, RRClass.IN, true), signed);
    const answerOf = (dnssecOk: boolean) => cache.response(cache.get(cacheKey('www.example.com', RRType.A, RRClass.IN, dnssecOk))!).answer;
    expect(answerOf(false)).toEqual(plain.answer);
    expect(answerOf(true)).toEqual(signed.answer);
  });

  it('evict the least recently used entry beyond max_entries', () => {
    const { cache } = setup({ max_entries: 3 });
    const key = (n: number): string => cacheKey(`host${n}.example.com`, RRType.A, RRClass.IN, false);
    for (const n of [1, 2, 3]) cache.set(key(n), response(Rcode.NOERROR, [a(`host${n}.example.com`, 60)]));
    cache.get(key(1));
    cache.set(key(4), response(Rcode.NOERROR, [a('host4.example.com', 60)]));
    expect(cache.size).toBe(3);
    expect(cache.get(key(2))).toBeUndefined();
    expect([1, 3, 4].every((n) => cache.get(key(n)) !== undefined)).toBe(true);
  });

  it('flush drops everything and says how much', () => {
    const { cache } = setup();
    cache.set(KEY, response(Rcode.NOERROR, [a('www.example.com', 60)]));
    cache.set(cacheKey('x.example.com', RRType.A, RRClass.IN, false), response(Rcode.NOERROR, [a('x.example.com', 60)]));
    expect(cache.flush()).toBe(2);
    expect(cache.size).toBe(0);
    expect(cache.get(KEY)).toBeUndefined();
  });
});

describe('an entry got from the cache', () => {
  it('reads as gone once deleted, flushed or replaced, and then marks nothing', () => {
    const { cache, clock } = setup();
    const fresh = (): ReturnType<AnswerCache['set']> => cache.set(KEY, response(Rcode.NOERROR, [a('www.example.com', 60)]));
    const deleted = fresh()!;
    cache.delete(KEY);
    const flushed = fresh()!;
    cache.flush();
    const replaced = fresh()!;
    fresh();
    for (const entry of [deleted, flushed, replaced]) {
      expect(entry.alive).toBe(false);
      expect(entry.isFresh(clock.t)).toBe(false);
      expect(() => cache.response(entry)).toThrow(/gone/);
    }
    expect(cache.get(KEY)?.alive).toBe(true);
  });
});
