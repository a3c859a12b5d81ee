import { describe, expect, it } from 'vitest';
import { AddressPool, type AddressUse } from './pool.ts';

/** Occupancy as the server keeps it: held addresses and ended bindings. */
class Use implements AddressUse {
  readonly held = new Set<string>();
  readonly ended = new Map<string, number>();
  isFree(address: string): boolean {
    return !this.held.has(address);
  }
  releasedAt(address: string): number | undefined {
    return this.ended.get(address);
  }
  /** The pool's next address, held from now on. */
  take(pool: AddressPool): string | undefined {
    const address = pool.next();
    if (address) this.held.add(address);
    return address;
  }
  release(pool: AddressPool, address: string, at: number): void {
    this.held.delete(address);
    this.ended.set(address, at);
    pool.released(address);
  }
}

const config = (range: [string, string], exclude: string[] = [], reserved: string[] = []) => ({ range, exclude, reserved: new Set(reserved) });

describe('AddressPool', () => {
  it('hands out never-used addresses in ascending order', () => {
    const use = new Use();
    const pool = new AddressPool(config(['10.0.0.1', '10.0.0.3']), use);
    expect([use.take(pool), use.take(pool), use.take(pool)]).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  it('answers nothing when exhausted, and again after an address comes back', () => {
    const use = new Use();
    const pool = new AddressPool(config(['10.0.0.1', '10.0.0.2']), use);
    use.take(pool);
    use.take(pool);
    expect(pool.next()).toBeUndefined();
    expect(pool.next()).toBeUndefined();
    use.release(pool, '10.0.0.2', 1);
    expect(use.take(pool)).toBe('10.0.0.2');
  });

  it('skips excluded addresses and ranges, and reservations', () => {
    const use = new Use();
    const pool = new AddressPool(config(['10.0.0.1', '10.0.0.8'], ['10.0.0.2', '10.0.0.4 - 10.0.0.6'], ['10.0.0.7']), use);
    const given = [use.take(pool), use.take(pool), use.take(pool), use.take(pool)];
    expect(given).toEqual(['10.0.0.1', '10.0.0.3', '10.0.0.8', undefined]);
    expect(pool.isDynamic('10.0.0.5')).toBe(false);
    expect(pool.isDynamic('10.0.0.7')).toBe(false);
    expect(pool.isDynamic('10.0.0.9')).toBe(false);
    expect(pool.isDynamic('10.0.0.3')).toBe(true);
  });

  it('reuses released addresses least recently released first', () => {
    const use = new Use();
    const pool = new AddressPool(config(['10.0.0.1', '10.0.0.3']), use);
    const [a, b, c] = [use.take(pool)!, use.take(pool)!, use.take(pool)!];
    use.release(pool, b, 10);
    use.release(pool, c, 20);
    use.release(pool, a, 30);
    expect([use.take(pool), use.take(pool), use.take(pool)]).toEqual([b, c, a]);
  });

  it('prefers a never-used address over a released one', () => {
    const use = new Use();
    const pool = new AddressPool(config(['10.0.0.1', '10.0.0.3']), use);
    use.release(pool, use.take(pool)!, 10);
    expect(use.take(pool)).toBe('10.0.0.2');
  });

  it('keeps the order of ended bindings it starts with, after the unused ones', () => {
    const use = new Use();
    use.ended.set('10.0.0.1', 50).set('10.0.0.2', 10);
    const pool = new AddressPool(config(['10.0.0.1', '10.0.0.3']), use, ['10.0.0.2', '10.0.0.1']);
    expect([use.take(pool), use.take(pool), use.take(pool)]).toEqual(['10.0.0.3', '10.0.0.2', '10.0.0.1']);
  });

  it('does not hand out an address someone took directly (a requested address) since it was queued', () => {
    const use = new Use();
    const pool = new AddressPool(config(['10.0.0.1', '10.0.0.2']), use);
    const a = use.take(pool)!;
    use.release(pool, a, 10);
    use.held.add(a); // a client asked for it by name (option 50)
    expect(use.take(pool)).toBe('10.0.0.2');
    expect(pool.next()).toBeUndefined();
  });

  it('queues an address released twice at its latest release', () => {
    const use = new Use();
    const pool = new AddressPool(config(['10.0.0.1', '10.0.0.3']), use);
    const [a, b] = [use.take(pool)!, use.take(pool)!];
    use.take(pool);
    use.release(pool, a, 10);
    use.held.add(a);
    use.release(pool, b, 20);
    use.release(pool, a, 30);
    expect([use.take(pool), use.take(pool)]).toEqual([b, a]);
  });

  it('serves a whole /16 through repeated release cycles, in release order', () => {
    const use = new Use();
    const pool = new AddressPool(config(['10.0.0.1', '10.0.255.254']), use);
    const given: string[] = [];
    for (let i = 0; i < 65534; i++) given.push(use.take(pool)!);
    for (let round = 0; round < 3; round++) {
      for (const address of given) use.release(pool, address, round * 100000);
      expect(Array.from(given, () => use.take(pool))).toEqual(given);
    }
  });
});
