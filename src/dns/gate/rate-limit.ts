// Per-client rate limit over UDP (`dns.rate_limit`), with the semantics of
// BIND's response rate limiting: a client prefix (/32 and /64 by default)
// gets `qps` answers a second after a burst of `burst`; past that its answers
// are dropped, and every `slip`-th one goes out empty with TC=1 instead, so a
// real client whose address was used in a spoofed flood retries over TCP and
// is still served. TCP is never limited here: a handshake proves the address.
import { BlockList } from 'node:net';
import { ipv6Bytes } from '../../net/address.ts';
import { BoundedMemo } from '../../net/memo.ts';
import { TokenBucket } from '../../net/token-bucket.ts';
import { blockListOf, normalizeAddress } from '../views.ts';

export interface RateLimitSettings {
  /** Answers a second per client prefix; 0 turns the limit off. */
  readonly qps: number;
  /** Answers a client may get at once before the rate applies; 0 = one second's worth. */
  readonly burst: number;
  /** Every slip-th limited answer is sent truncated (TC=1); 0 = drop them all, 1 = truncate them all. */
  readonly slip: number;
  readonly ipv4_prefix: number;
  readonly ipv6_prefix: number;
  /** CIDRs never limited (loopback by default). */
  readonly exempt: readonly string[];
}

/** `answer` as usual; `drop` silently; `slip` an empty answer with TC=1. */
export type RateVerdict = 'answer' | 'drop' | 'slip';

interface Bucket {
  readonly tokens: TokenBucket;
  /** Queries over the limit so far: every slip-th of them is truncated. */
  limited: number;
}

/** Prefixes tracked at once. A spoofed flood from random sources fills the
 *  table; full (idle) buckets are swept then, and if that is not enough the
 *  table starts over rather than grow without bound. */
const MAX_BUCKETS = 100_000;

export class RateLimiter {
  private readonly settings: RateLimitSettings;
  private readonly capacity: number;
  private readonly exempt: BlockList;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();
  /** Each address's prefix key; undefined for an exempt one. */
  private readonly keys = new BoundedMemo<string | undefined>();

  constructor(settings: RateLimitSettings, now: () => number = performance.now.bind(performance)) {
    this.settings = settings;
    this.capacity = settings.burst > 0 ? settings.burst : settings.qps;
    this.exempt = blockListOf(settings.exempt);
    this.now = now;
  }

  /** Client prefixes tracked now. */
  get size(): number {
    return this.buckets.size;
  }

  get enabled(): boolean {
    return this.settings.qps > 0;
  }

  check(address: string): RateVerdict {
    if (!this.enabled) return 'answer';
    const key = this.keys.get(address, (text) => this.keyOf(text));
    if (key === undefined) return 'answer';
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.sweep(now);
      bucket = { tokens: new TokenBucket(this.settings.qps, this.capacity, now), limited: 0 };
      this.buckets.set(key, bucket);
    }
    if (bucket.tokens.take(now)) return 'answer';
    bucket.limited++;
    return this.settings.slip > 0 && bucket.limited % this.settings.slip === 0 ? 'slip' : 'drop';
  }

  /** The client prefix `address` counts under, or undefined when it is exempt. */
  private keyOf(address: string): string | undefined {
    const normalized = normalizeAddress(address);
    const v6 = normalized.includes(':');
    if (this.exempt.check(normalized, v6 ? 'ipv6' : 'ipv4')) return undefined;
    return v6 ? prefixKey6(normalized, this.settings.ipv6_prefix) : prefixKey4(normalized, this.settings.ipv4_prefix);
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.tokens.isFull(now)) this.buckets.delete(key);
    if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
  }
}

function prefixKey4(address: string, prefix: number): string {
  if (prefix >= 32) return address;
  const value = address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return `${(value & mask) >>> 0}/${prefix}`;
}

function prefixKey6(address: string, prefix: number): string {
  const bytes = ipv6Bytes(address.split('%')[0]!) ?? new Uint8Array(16);
  let key = '';
  for (let bit = 0; bit < prefix; bit += 8) {
    const keep = Math.min(8, prefix - bit);
    key += (bytes[bit / 8]! & (0xff << (8 - keep)) & 0xff).toString(16).padStart(2, '0');
  }
  return `${key}/${prefix}`;
}
