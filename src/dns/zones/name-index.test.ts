import { describe, expect, it } from 'vitest';
import { NameIndex } from './name-index.ts';

describe('a name index', () => {
  const names = Array.from({ length: 1000 }, (_, i) => `host${i}.home.lan`);

  it('finds every name it was made of', () => {
    const index = NameIndex.of(names.map((name, i) => [name, i]));
    expect(names.every((name, i) => index.get(name) === i && index.has(name))).toBe(true);
    expect(index.has('nas.home.lan')).toBe(false);
    expect([...index.keys()].sort()).toEqual([...names].sort());
    expect([...index.values()]).toHaveLength(1000);
  });

  it('makes its next version with names added, changed and removed, and stays as it was', () => {
    const before = NameIndex.of(names.map((name, i) => [name, i]));
    const after = before.with([['nas.home.lan', -1], ['host1.home.lan', 100], ['host2.home.lan', undefined]]);
    expect([after.get('nas.home.lan'), after.get('host1.home.lan'), after.has('host2.home.lan'), after.get('host3.home.lan')]).toEqual([-1, 100, false, 3]);
    expect([before.has('nas.home.lan'), before.get('host1.home.lan'), before.get('host2.home.lan')]).toEqual([false, 1, 2]);
    expect([...after.keys()]).toHaveLength(1000);
  });
});
