// The answer cache's store: upstream answers packed into bytes (packed.ts)
// in one slab (slab.ts), each with when it was stored and how long it stays
// fresh. Bounded by max_entries, the oldest unread entries evicted first;
// expired entries linger for serve-stale. Entries being answered from keep
// an unpacked Response (the hot set), so repeated hits share one Response
// and the wire bytes prepared for it.
import type { DnsConfig } from '../config.ts';
import { Rcode, type Response } from '../message.ts';
import { RRType, type Name } from '../record.ts';
import { pack, Section, unpack } from './packed.ts';
import { EntrySlab } from './slab.ts';

export type CacheSettings = DnsConfig['cache'];

/** RFC 8767 §5 suggests keeping expired data 1 to 3 days (its maximum stale timer). */
export const MAX_STALE_SECONDS = 86_400;
/** RFC 8767 §5's failure recheck timer: after a failed refresh, stale data is
 *  answered at once for this long instead of asking the upstream again. */
export const FAILURE_RECHECK_MS = 30_000;
/** Unpacked entries kept: a home network's working set (a few hundred
 *  names a day), ~190 bytes each with their prepared wire bytes
 *  (bench/cache-memory.ts), and every Response a young-generation copy
 *  less than 5000 of them were. */
export const HOT_ENTRIES = 2000;

/** One key per (name, type, class, DO, CD): a DO=1 answer carries RRSIGs a DO=0
 *  client did not ask for, and a CD=1 answer may be one the upstream did not
 *  validate, which a CD=0 client must not get (RFC 4035 §3.2.2). The name is
 *  canonical, so 0x20 case is folded. */
export function cacheKey(name: Name, type: number, klass: number, dnssecOk: boolean, checkingDisabled = false): string {
  return `${type}/${klass}/${dnssecOk ? 1 : 0}${checkingDisabled ? 1 : 0}/${name}`;
}

/** A cached entry while it is in the slab: what the cache stage reads and
 *  marks of it. Made per lookup; outlives its entry harmlessly (it then
 *  reads as gone: never fresh, and marks nothing). */
export class CacheEntry {
  private readonly slab: EntrySlab;
  readonly slot: number;
  private readonly generation: number;

  constructor(slab: EntrySlab, slot: number) {
    this.slab = slab;
    this.slot = slot;
    this.generation = slab.generation[slot]!;
  }

  get alive(): boolean {
    return this.slab.generation[this.slot] === this.generation;
  }

  /** ms on the cache's clock */
  get storedAt(): number {
    return this.slab.storedAt[this.slot]!;
  }

  /** seconds, after the min/max clamps */
  get ttl(): number {
    return this.slab.ttl[this.slot]!;
  }

  get hits(): number {
    return this.slab.hits[this.slot]!;
  }

  hit(): void {
    if (this.alive) this.slab.hits[this.slot]!++;
  }

  markFailed(now: number): void {
    if (this.alive) this.slab.failedAt[this.slot] = now;
  }

  /** Whole seconds since the entry was stored: what its TTLs go out reduced by. */
  age(now: number): number {
    return Math.floor((now - this.storedAt) / 1000);
  }

  isFresh(now: number): boolean {
    return this.alive && now - this.storedAt < this.ttl * 1000;
  }

  /** A popular entry (its second hit or later) in the last 10% of its TTL,
   *  unless a refresh just failed. */
  wantsPrefetch(now: number): boolean {
    const left = this.ttl * 1000 - (now - this.storedAt);
    return this.hits >= 2 && left < this.ttl * 100 && !this.recentlyFailed(now);
  }

  recentlyFailed(now: number): boolean {
    return now - this.slab.failedAt[this.slot]! < FAILURE_RECHECK_MS;
  }
}

export class AnswerCache {
  readonly now: () => number;
  private readonly slab: EntrySlab;
  /** Unpacked answers by slot, oldest first. */
  private readonly hot = new Map<number, Response>();
  private readonly settings: CacheSettings;
  private readonly staleMs: number;

  constructor(settings: CacheSettings, now: () => number = Date.now) {
    this.settings = settings;
    this.now = now;
    this.staleMs = settings.serve_stale ? MAX_STALE_SECONDS * 1000 : 0;
    this.slab = new EntrySlab(Math.max(1, settings.max_entries));
  }

  get size(): number {
    return this.slab.size;
  }

  /** The entry while fresh or (with serve_stale) within the stale bound. */
  get(key: string): CacheEntry | undefined {
    const slot = this.slab.find(key);
    if (slot < 0) return undefined;
    const entry = new CacheEntry(this.slab, slot);
    if (this.now() - entry.storedAt >= entry.ttl * 1000 + this.staleMs) {
      this.hot.delete(slot);
      this.slab.removeSlot(slot);
      return undefined;
    }
    return entry;
  }

  /** The entry's answer (source 'cache', TTLs as stored). Unpacked once per
   *  stay in the hot set; the oldest unpacked entry leaves it beyond HOT_ENTRIES. */
  response(entry: CacheEntry): Response {
    // Entries are answered from as soon as they are got: a gone one is a bug.
    if (!entry.alive) throw new Error('the cache entry is gone');
    const hot = this.hot.get(entry.slot);
    if (hot) return hot;
    const unpacked = unpack(this.slab.packed(entry.slot));
    this.hot.delete(entry.slot);
    this.hot.set(entry.slot, unpacked);
    if (this.hot.size > HOT_ENTRIES) this.hot.delete(this.hot.keys().next().value!);
    return unpacked;
  }

  /** Stores an upstream response when it may be cached; returns the new
   *  entry, or undefined (and nothing changes) when it may not. */
  set(key: string, response: Response): CacheEntry | undefined {
    if (this.settings.max_entries === 0) return undefined;
    const raw = cacheableTtl(response);
    if (raw === undefined) return undefined;
    const { min_ttl: low, max_ttl: high } = this.settings;
    const ttl = Math.min(Math.max(raw, low), high);
    // RFC 1035 §3.2.1: a zero TTL is for the transaction at hand only.
    if (ttl <= 0) return undefined;
    // Records go out with their TTLs inside [min_ttl, max_ttl], so clients
    // keep them no longer than we do, and the SOA of a negative answer at
    // the negative TTL (RFC 2308 §3).
    const negative = response.rcode === Rcode.NXDOMAIN || response.answer.length === 0;
    const packed = pack(response, (record, section) => {
      const clamped = Math.min(Math.max(record.ttl, low), high);
      return negative && section === Section.AUTHORITY ? Math.min(clamped, ttl) : clamped;
    });
    const slot = this.slab.add(key, packed);
    if (slot < 0) return undefined;
    this.hot.delete(slot);
    this.slab.storedAt[slot] = this.now();
    this.slab.ttl[slot] = ttl;
    return new CacheEntry(this.slab, slot);
  }

  delete(key: string): void {
    this.slab.remove(key);
  }

  /** Drops every entry (POST /cache/flush); returns how many there were. */
  flush(): number {
    const dropped = this.slab.size;
    this.slab.clear();
    this.hot.clear();
    return dropped;
  }
}

/**
 * How long a response may be cached, before the clamps, or undefined when it
 * must not be. Positive answers: the smallest TTL in the answer section.
 * Negative answers (NXDOMAIN, NODATA), RFC 2308 §5: min(SOA TTL, SOA MINIMUM)
 * of the SOA in the authority section, and not cached at all without one.
 * Errors (SERVFAIL, REFUSED, FORMERR, …) are not cached.
 */
function cacheableTtl(response: Response): number | undefined {
  if (response.rcode !== Rcode.NOERROR && response.rcode !== Rcode.NXDOMAIN) return undefined;
  let ttl = Infinity;
  for (const record of response.answer) ttl = Math.min(ttl, record.ttl);
  const negative = response.rcode === Rcode.NXDOMAIN || response.answer.length === 0;
  const soa = response.authority.find((record) => record.type === RRType.SOA);
  if (soa) {
    const minimum = soaMinimum(soa.rdata);
    if (minimum === undefined) return undefined;
    // Also bounds a CNAME answer whose target has no data (RFC 2308 §6).
    ttl = Math.min(ttl, soa.ttl, minimum);
  } else if (negative) {
    return undefined;
  }
  return ttl;
}

/** SOA RDATA ends with SERIAL REFRESH RETRY EXPIRE MINIMUM, 4 bytes each
 *  (RFC 1035 §3.3.13); MNAME and RNAME take at least one byte each. */
function soaMinimum(rdata: Uint8Array): number | undefined {
  if (rdata.length < 22) return undefined;
  const at = rdata.length - 4;
  return ((rdata[at]! << 24) >>> 0) + (rdata[at + 1]! << 16) + (rdata[at + 2]! << 8) + rdata[at + 3]!;
}
