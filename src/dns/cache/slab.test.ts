// The slab against a plain Map as the model: whatever it keeps is what was
// stored under that key, it never holds more than max_entries, and under
// churn its ring stops growing.
import { describe, expect, it } from 'vitest';
import { EntrySlab } from './slab.ts';

/** Bytes that say which key and which version they were stored for. */
function answerFor(key: string, version: number, length: number): Uint8Array {
  const text = new TextEncoder().encode(`${key}#${version}#`);
  const bytes = new Uint8Array(Math.max(length, text.length));
  bytes.set(text);
  return bytes;
}

/** A small deterministic random sequence (a test must fail the same way twice). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
}

describe('the entry slab', () => {
  it('finds what was stored, under each key its latest bytes, and nothing after removal', () => {
    const slab = new EntrySlab(10);
    slab.add('1/1/00/a.example', answerFor('a', 1, 40));
    slab.add('1/1/00/b.example', answerFor('b', 1, 40));
    slab.add('1/1/00/a.example', answerFor('a', 2, 40));
    expect(slab.size).toBe(2);
    expect(slab.packed(slab.find('1/1/00/a.example'))).toEqual(answerFor('a', 2, 40));
    slab.remove('1/1/00/a.example');
    expect(slab.find('1/1/00/a.example')).toBe(-1);
    expect(slab.packed(slab.find('1/1/00/b.example'))).toEqual(answerFor('b', 1, 40));
  });

  it('agrees with a Map through 20,000 random adds, reads and removals, within max_entries', () => {
    const next = random(7);
    const slab = new EntrySlab(500);
    const model = new Map<string, Uint8Array>();
    for (let step = 0; step < 20_000; step++) {
      const key = `1/1/00/host${Math.floor(next() * 2000)}.example`;
      const roll = next();
      if (roll < 0.5) {
        const bytes = answerFor(key, step, 20 + Math.floor(next() * 300));
        slab.add(key, bytes);
        model.set(key, bytes);
      } else if (roll < 0.9) {
        const slot = slab.find(key);
        // Evicted entries are gone from the slab only; what it has must be right.
        if (slot >= 0) expect(slab.packed(slot)).toEqual(model.get(key));
      } else {
        slab.remove(key);
        model.delete(key);
      }
      expect(slab.size).toBeLessThanOrEqual(500);
    }
    let kept = 0;
    for (const [key, bytes] of model) {
      const slot = slab.find(key);
      if (slot >= 0) {
        kept++;
        expect(slab.packed(slot)).toEqual(bytes);
      }
    }
    expect(kept).toBe(slab.size);
    expect(kept).toBeGreaterThan(300);
  });

  it('keeps an entry read since it was stored over one that was not (a second chance)', () => {
    const slab = new EntrySlab(3);
    for (const n of [1, 2, 3]) slab.add(`k${n}`, answerFor(`k${n}`, 0, 30));
    slab.find('k1');
    slab.add('k4', answerFor('k4', 0, 30));
    expect(slab.find('k2')).toBe(-1);
    expect(['k1', 'k3', 'k4'].every((key) => slab.find(key) >= 0)).toBe(true);
  });

  it('refuses an answer over a quarter of its ring instead of emptying itself for it', () => {
    const slab = new EntrySlab(10);
    slab.add('small', answerFor('small', 0, 30));
    expect(slab.add('huge', new Uint8Array(60_000))).toBe(-1);
    expect(slab.find('small')).toBeGreaterThanOrEqual(0);
  });

  it('wraps its ring under churn instead of growing it without bound', () => {
    const slab = new EntrySlab(1000);
    const next = random(11);
    for (let n = 0; n < 100_000; n++) slab.add(`1/1/00/churn${n}.example`, answerFor(`${n}`, 0, 40 + Math.floor(next() * 200)));
    expect(slab.size).toBeLessThanOrEqual(1000);
    expect(slab.size).toBeGreaterThan(500);
    // The newest are all there.
    for (let n = 99_900; n < 100_000; n++) expect(slab.find(`1/1/00/churn${n}.example`)).toBeGreaterThanOrEqual(0);
    expect(slab.ringBytes).toBeLessThanOrEqual(1000 * 1024);
  });

  it('is empty after clear and fills again', () => {
    const slab = new EntrySlab(5);
    for (let n = 0; n < 5; n++) slab.add(`k${n}`, answerFor(`k${n}`, 0, 30));
    slab.clear();
    expect(slab.size).toBe(0);
    expect(slab.find('k1')).toBe(-1);
    for (let n = 0; n < 5; n++) slab.add(`j${n}`, answerFor(`j${n}`, 0, 30));
    expect(slab.size).toBe(5);
  });
});
