// A zone's names and what each holds, split into shards by a hash of the
// name, so that the next version of a zone after an update copies only the
// shards the update touched: in a zone of 10,000 names an update copies a
// few hundred entries, not 10,000. Never changed once made: `with` makes a
// new index that shares every untouched shard with this one.
import type { Name } from '../record.ts';

const SHARDS = 64;

/** FNV-1a over the name's UTF-16 code units. */
function shardOf(name: Name): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % SHARDS;
}

export class NameIndex<V> {
  private readonly shards: readonly ReadonlyMap<Name, V>[];

  private constructor(shards: readonly ReadonlyMap<Name, V>[]) {
    this.shards = shards;
  }

  static of<V>(entries: Iterable<readonly [Name, V]>): NameIndex<V> {
    const shards = Array.from({ length: SHARDS }, () => new Map<Name, V>());
    for (const [name, value] of entries) shards[shardOf(name)]!.set(name, value);
    return new NameIndex(shards);
  }

  get(name: Name): V | undefined {
    return this.shards[shardOf(name)]!.get(name);
  }

  has(name: Name): boolean {
    return this.shards[shardOf(name)]!.has(name);
  }

  *keys(): IterableIterator<Name> {
    for (const shard of this.shards) yield* shard.keys();
  }

  *values(): IterableIterator<V> {
    for (const shard of this.shards) yield* shard.values();
  }

  /** This index with `changes` made (undefined removes the name); only the
   *  shards they touch are copied. */
  with(changes: Iterable<readonly [Name, V | undefined]>): NameIndex<V> {
    const shards = [...this.shards];
    const copied = new Map<number, Map<Name, V>>();
    for (const [name, value] of changes) {
      const at = shardOf(name);
      let shard = copied.get(at);
      if (!shard) copied.set(at, (shard = new Map(shards[at])));
      if (value === undefined) shard.delete(name);
      else shard.set(name, value);
    }
    for (const [at, shard] of copied) shards[at] = shard;
    return new NameIndex(shards);
  }
}
