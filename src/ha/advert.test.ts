import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeAdvert, encodeAdvert, type Advert } from './advert.ts';
import { MAX_CLOCK_SKEW_MS, ReplayGuard } from './replay.ts';

const secret = Buffer.from('0123456789abcdef0123456789abcdef');
const advert: Advert = {
  nodeId: 'pi-a',
  state: 'master',
  priority: 150,
  impaired: false,
  wantsMaster: false,
  intervalMs: 250,
  epoch: 0x1234_5678_9abc_def0n,
  counter: 7n,
  sentAt: 1_700_000_000_000,
};

/** A tiny seeded PRNG, so a failing fuzz case can be run again. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the advert codec', () => {
  it('reads back what it wrote', () => {
    const decoded = decodeAdvert(encodeAdvert(advert, secret), secret);
    expect(decoded).toEqual({ kind: 'advert', advert });
    const leaving = { ...advert, state: 'backup' as const, priority: 0, impaired: true, wantsMaster: true, nodeId: 'ñode' };
    expect(decodeAdvert(encodeAdvert(leaving, secret), secret)).toEqual({ kind: 'advert', advert: leaving });
  });

  it('rejects an advert made with another secret', () => {
    const other = encodeAdvert(advert, Buffer.from('another secret of the same size!'));
    expect(decodeAdvert(other, secret)).toEqual({ kind: 'rejected', reason: 'bad_mac' });
  });

  it('rejects every single-bit change as a bad MAC', () => {
    const bytes = encodeAdvert(advert, secret);
    for (let bit = 0; bit < bytes.length * 8; bit++) {
      const flipped = Buffer.from(bytes);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      expect(decodeAdvert(flipped, secret).kind).toBe('rejected');
    }
  });

  it('never throws and never accepts 100,000 random or mutated datagrams', () => {
    const random = prng(12);
    const valid = encodeAdvert(advert, secret);
    const accepted: Buffer[] = [];
    for (let i = 0; i < 100_000; i++) {
      let datagram: Buffer;
      if (i % 2 === 0) {
        datagram = randomBytes(Math.floor(random() * 140));
        if (i % 4 === 0 && datagram.length >= 4) datagram.write('HRTH', 0); // past the magic check
      } else {
        datagram = Buffer.from(valid);
        const edits = 1 + Math.floor(random() * 4);
        for (let e = 0; e < edits; e++) datagram[Math.floor(random() * datagram.length)] = Math.floor(random() * 256);
        if (datagram.equals(valid)) continue;
        if (random() < 0.2) datagram = datagram.subarray(0, Math.floor(random() * datagram.length));
      }
      if (decodeAdvert(datagram, secret).kind !== 'rejected') accepted.push(datagram);
    }
    expect(accepted).toEqual([]);
  });

  it('rejects a well-signed advert whose fields are out of range', () => {
    const bytes = encodeAdvert(advert, secret);
    for (const [offset, value] of [
      [0, 0x58],
      [4, 2],
      [5, 3],
      [6, 255],
      [7, 0x80],
      [34, 9],
    ] as const) {
      const changed = Buffer.from(bytes);
      changed[offset] = value;
      const resigned = Buffer.concat([changed.subarray(0, changed.length - 32), hmac(changed.subarray(0, changed.length - 32))]);
      expect(decodeAdvert(resigned, secret)).toEqual({ kind: 'rejected', reason: 'malformed' });
    }
  });
});

function hmac(bytes: Buffer): Buffer {
  return createHmac('sha256', secret).update(bytes).digest();
}

describe('anti-replay', () => {
  const now = advert.sentAt;

  it('takes each counter once, going up', () => {
    const guard = new ReplayGuard();
    expect(guard.check('10.0.0.2', advert, now)).toBe('fresh');
    expect(guard.check('10.0.0.2', advert, now)).toBe('replay');
    expect(guard.check('10.0.0.2', { ...advert, counter: 6n }, now)).toBe('replay');
    expect(guard.check('10.0.0.2', { ...advert, counter: 9n }, now)).toBe('fresh');
  });

  it('believes a new epoch (a restart) only with a timestamp near our clock', () => {
    const guard = new ReplayGuard();
    guard.check('10.0.0.2', advert, now);
    const stale = { ...advert, epoch: 99n, counter: 1n, sentAt: now - MAX_CLOCK_SKEW_MS - 1 };
    expect(guard.check('10.0.0.2', stale, now)).toBe('clock');
    expect(guard.check('10.0.0.2', { ...stale, sentAt: now - 1000 }, now)).toBe('fresh');
  });

  it('never goes back to an epoch it left, even with a fresh timestamp', () => {
    const guard = new ReplayGuard();
    guard.check('10.0.0.2', advert, now);
    guard.check('10.0.0.2', { ...advert, epoch: 99n, counter: 1n }, now);
    expect(guard.check('10.0.0.2', { ...advert, counter: 100n }, now)).toBe('replay');
  });
});
