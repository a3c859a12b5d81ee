import { describe, expect, it } from 'vitest';
import { RateLimiter, type RateLimitSettings } from './rate-limit.ts';

const SETTINGS: RateLimitSettings = { qps: 10, burst: 0, slip: 2, ipv4_prefix: 32, ipv6_prefix: 64, exempt: ['127.0.0.0/8', '::1/128'] };

function verdicts(limiter: RateLimiter, address: string, count: number): string[] {
  return Array.from({ length: count }, () => limiter.check(address));
}

describe('RateLimiter', () => {
  it('answers a burst of qps, then drops, sending every slip-th as TC (BIND RRL)', () => {
    const limiter = new RateLimiter(SETTINGS, () => 0);
    const seen = verdicts(limiter, '192.168.1.7', 16);
    expect(seen.slice(0, 10)).toEqual(Array(10).fill('answer'));
    expect(seen.slice(10)).toEqual(['drop', 'slip', 'drop', 'slip', 'drop', 'slip']);
  });

  it('refills at qps a second', () => {
    let now = 0;
    const limiter = new RateLimiter(SETTINGS, () => now);
    verdicts(limiter, '192.168.1.7', 12);
    now += 500; // half a second: five answers
    expect(verdicts(limiter, '192.168.1.7', 6).filter((v) => v === 'answer')).toHaveLength(5);
  });

  it('counts a client prefix together: /64 for IPv6, and /24 when asked', () => {
    const v6 = new RateLimiter(SETTINGS, () => 0);
    verdicts(v6, '2001:db8:1:2::1', 10);
    expect(v6.check('2001:db8:1:2::ffff')).not.toBe('answer');
    expect(v6.check('2001:db8:1:3::1')).toBe('answer');
    const v4 = new RateLimiter({ ...SETTINGS, ipv4_prefix: 24 }, () => 0);
    verdicts(v4, '198.51.100.1', 10);
    expect(v4.check('198.51.100.200')).not.toBe('answer');
    expect(v4.check('198.51.101.1')).toBe('answer');
  });

  it('never limits exempt clients, and is off at qps 0', () => {
    const limiter = new RateLimiter(SETTINGS, () => 0);
    expect(verdicts(limiter, '127.0.0.1', 100).every((v) => v === 'answer')).toBe(true);
    const off = new RateLimiter({ ...SETTINGS, qps: 0 }, () => 0);
    expect(verdicts(off, '192.168.1.7', 1000).every((v) => v === 'answer')).toBe(true);
  });

  it('slip 0 drops every limited answer, slip 1 truncates every one', () => {
    const none = new RateLimiter({ ...SETTINGS, slip: 0 }, () => 0);
    expect(verdicts(none, '192.168.1.7', 14).slice(10)).toEqual(['drop', 'drop', 'drop', 'drop']);
    const all = new RateLimiter({ ...SETTINGS, slip: 1 }, () => 0);
    expect(verdicts(all, '192.168.1.7', 14).slice(10)).toEqual(['slip', 'slip', 'slip', 'slip']);
  });

  it('burst lets a client start above the rate', () => {
    const limiter = new RateLimiter({ ...SETTINGS, burst: 50 }, () => 0);
    expect(verdicts(limiter, '192.168.1.7', 51).filter((v) => v === 'answer')).toHaveLength(50);
  });

  it('stays bounded under a flood from random sources', () => {
    const limiter = new RateLimiter(SETTINGS, () => 0);
    for (let i = 0; i < 300_000; i++) limiter.check(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    expect(limiter.size).toBeLessThanOrEqual(100_000);
    expect(limiter.check('192.168.1.7')).toBe('answer');
  });
});
