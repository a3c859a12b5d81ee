// What was worked out for an address string, kept so the next query from
// the same client costs a map lookup (~30 ns) instead of a subnet check
// (~500 ns) or an IPv6 parse (~10 µs). Bounded: a flood from random sources
// empties it now and then rather than growing it.
export class BoundedMemo<V> {
  private readonly max: number;
  private readonly values = new Map<string, V>();

  constructor(max = 10_000) {
    this.max = max;
  }

  get(key: string, compute: (key: string) => V): V {
    const known = this.values.get(key);
    if (known !== undefined || this.values.has(key)) return known as V;
    if (this.values.size >= this.max) this.values.clear();
    const value = compute(key);
    this.values.set(key, value);
    return value;
  }

  clear(): void {
    this.values.clear();
  }
}
