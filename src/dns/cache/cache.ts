// The answer cache's store: upstream answers packed into bytes (packed.ts),
// each with when it was stored and how long it stays fresh. Bounded by
// max_entries with LRU eviction; expired entries linger for serve-stale.
// Entries being answered from keep an unpacked Response (the hot set), so
// repeated hits share one Response and the wire bytes prepared for it.
import type { DnsConfig } from '../config.ts';
import { Rcode, type Response } from '../message.ts';
import { RRType, type Name } from '../record.ts';
import { pack, Section, unpack } from './packed.ts';

export type CacheSettings = DnsConfig['cache'];

/** RFC 8767 §5 suggests keeping expired data 1 to 3 days (its maximum stale timer). */
export const MAX_STALE_SECONDS = 86_400;
/** RFC 8767 §5's failure recheck timer: after a failed refresh, stale data is
 *  answered at once for this long instead of asking the upstream again. */
export const FAILURE_RECHECK_MS = 30_000;
/** Unpacked entries kept: a home network's working set, for about 6 MB
 *  with their prepared wire bytes (bench/cache-memory.ts). */
export const HOT_ENTRIES = 5000;

/** One key per (name, type, class, DO): a DO=1 answer carries RRSIGs a DO=0
 *  client did not ask for. The name is canonical, so 0x20 case is folded. */
export function cacheKey(name: Name, type: number, klass: number, dnssecOk: boolean): string {
  return `${type}/${klass}/${dnssecOk ? 1 : 0}/${name}`;
}

export class CacheEntry {
  /** The answer with the TTLs it goes out with, before the age is taken off. */
  readonly packed: Uint8Array;
  /** ms on the cache's clock */
  readonly storedAt: number;
  /** seconds, after the min/max clamps */
  readonly ttl: number;
  hits = 0;
  failedAt = -Infinity;
  /** Set while the entry is in the hot set. */
  unpacked: Response | undefined = undefined;

  constructor(packed: Uint8Array, storedAt: number, ttl: number) {
    this.packed = packed;
    this.storedAt = storedAt;
    this.ttl = ttl;
  }

  /** Whole seconds since the entry was stored: what its TTLs go out reduced by. */
  age(now: number): number {
    return Math.floor((now - this.storedAt) / 1000);
  }

  isFresh(now: number): boolean {
    return now - this.storedAt < this.ttl * 1000;
  }

  /** A popular entry (its second hit or later) in the last 10% of its TTL,
   *  unless a refresh just failed. */
  wantsPrefetch(now: number): boolean {
    const left = this.ttl * 1000 - (now - this.storedAt);
    return this.hits >= 2 && left < this.ttl * 100 && !this.recentlyFailed(now);
  }

  recentlyFailed(now: number): boolean {
    return now - this.failedAt < FAILURE_RECHECK_MS;
  }
}

export class AnswerCache {
  readonly now: () => number;
  private readonly entries = new Map<string, CacheEntry>();
  /** Entries holding an unpacked Response, oldest first. */
  private readonly hot = new Set<CacheEntry>();
  private readonly settings: CacheSettings;
  private readonly staleMs: number;

  constructor(settings: CacheSettings, now: () => number = Date.now) {
    this.settings = settings;
    this.now = now;
    this.staleMs = settings.serve_stale ? MAX_STALE_SECONDS * 1000 : 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry while fresh or (with serve_stale) within the stale bound,
   *  moved to the young end of the LRU order. */
  get(key: string): CacheEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (this.now() - entry.storedAt >= entry.ttl * 1000 + this.staleMs) {
      this.cool(entry);
      return undefined;
    }
    this.entries.set(key, entry);
    return entry;
  }

  /** The entry's answer (source 'cache', TTLs as stored). Unpacked once per
   *  stay in the hot set; the oldest unpacked entry leaves it beyond HOT_ENTRIES. */
  response(entry: CacheEntry): Response {
    if (entry.unpacked) return entry.unpacked;
    entry.unpacked = unpack(entry.packed);
    this.hot.add(entry);
    if (this.hot.size > HOT_ENTRIES) {
      const oldest = this.hot.values().next();
      if (!oldest.done) this.cool(oldest.value);
    }
    return entry.unpacked;
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
    const entry = new CacheEntry(pack(response, (record, section) => {
      const clamped = Math.min(Math.max(record.ttl, low), high);
      return negative && section === Section.AUTHORITY ? Math.min(clamped, ttl) : clamped;
    }), this.now(), ttl);
    this.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.settings.max_entries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return entry;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.cool(entry);
  }

  /** Drops every entry (POST /cache/flush); returns how many there were. */
  flush(): number {
    const dropped = this.entries.size;
    this.entries.clear();
    this.hot.clear();
    return dropped;
  }

  private cool(entry: CacheEntry): void {
    this.hot.delete(entry);
    entry.unpacked = undefined;
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
