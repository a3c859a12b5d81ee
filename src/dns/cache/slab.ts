// Where the answer cache keeps its entries: one ring of bytes holding each
// entry's key and packed answer back to back, typed arrays for what each
// entry needs beside them (when stored, TTL, hits, last failed refresh), and
// an open-addressing index from key to slot. An object, a Uint8Array and a
// key string per entry cost ~400 bytes of V8 heap and a young-generation
// copy each, which under churn grew the heap by far more than the entries
// themselves (bench/footprint.sh); here an entry costs its bytes plus ~50.
//
// Eviction is the ring's order (oldest first) with a second chance: an entry
// read since it was written is moved to the young end once instead of being
// dropped (CLOCK, an approximation of LRU that needs one bit).
const textEncoder = new TextEncoder();

/** Bytes of ring per allowed entry at first, and at most: the ring doubles
 *  while it is too small for max_entries of the answers seen. */
const START_BYTES_PER_ENTRY = 64;
const MAX_BYTES_PER_ENTRY = 1024;
/** A key is a name (≤ 1004 characters in text form with escapes) and a few digits. */
const MAX_KEY = 1100;

/** An entry on its way from the old end of the ring to the young end. */
interface Moving {
  readonly slot: number;
  readonly bytes: Uint8Array;
}

export class EntrySlab {
  readonly maxEntries: number;
  /** ms on the cache's clock */
  readonly storedAt: Float64Array;
  /** seconds */
  readonly ttl: Uint32Array;
  readonly hits: Uint32Array;
  readonly failedAt: Float64Array;
  /** Bumped when an entry leaves its slot, so a handle to a gone entry can tell. */
  readonly generation: Uint32Array;
  private ring: Uint8Array;
  private readonly offset: Uint32Array;
  private readonly keyLength: Uint16Array;
  private readonly length: Uint32Array;
  private readonly hash: Int32Array;
  private readonly live: Uint8Array;
  private readonly referenced: Uint8Array;
  /** Slots in ring order, oldest first (a circular queue), dead ones too
   *  until the ring passes them. */
  private readonly order: Int32Array;
  private orderStart = 0;
  private orderCount = 0;
  private readonly freeSlots: Int32Array;
  private freeCount: number;
  /** slot + 1 at each position, 0 when empty; linear probing. */
  private readonly index: Int32Array;
  private readonly mask: number;
  private head = 0;
  private liveCount = 0;
  private readonly keyBytes = new Uint8Array(MAX_KEY * 3);

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
    this.storedAt = new Float64Array(maxEntries);
    this.ttl = new Uint32Array(maxEntries);
    this.hits = new Uint32Array(maxEntries);
    this.failedAt = new Float64Array(maxEntries);
    this.generation = new Uint32Array(maxEntries);
    this.offset = new Uint32Array(maxEntries);
    this.keyLength = new Uint16Array(maxEntries);
    this.length = new Uint32Array(maxEntries);
    this.hash = new Int32Array(maxEntries);
    this.live = new Uint8Array(maxEntries);
    this.referenced = new Uint8Array(maxEntries);
    this.order = new Int32Array(maxEntries);
    this.freeSlots = Int32Array.from({ length: maxEntries }, (_, i) => maxEntries - 1 - i);
    this.freeCount = maxEntries;
    this.mask = (1 << Math.ceil(Math.log2(maxEntries * 2 + 1))) - 1;
    this.index = new Int32Array(this.mask + 1);
    this.ring = new Uint8Array(Math.max(maxEntries * START_BYTES_PER_ENTRY, 1 << 16));
  }

  get size(): number {
    return this.liveCount;
  }

  /** The ring's size now, for the metrics and tests. */
  get ringBytes(): number {
    return this.ring.length;
  }

  /** The slot holding `key`, or -1; a found entry gets its second chance. */
  find(key: string): number {
    const length = this.encodeKey(key);
    const position = this.positionOf(this.keyHash(length), length);
    if (position < 0) return -1;
    const slot = this.index[position]! - 1;
    this.referenced[slot] = 1;
    return slot;
  }

  /** Stores `packed` under `key` (replacing an entry of that key); returns
   *  its slot, or -1 for an answer too big to keep (over a quarter of the ring). */
  add(key: string, packed: Uint8Array): number {
    this.remove(key);
    const keyLength = this.encodeKey(key);
    if (keyLength + packed.length > this.ring.length / 4) return -1;
    const hash = this.keyHash(keyLength);
    while (this.freeCount === 0) this.evictOldest();
    const slot = this.freeSlots[--this.freeCount]!;
    this.hash[slot] = hash;
    this.keyLength[slot] = keyLength;
    this.length[slot] = keyLength + packed.length;
    this.hits[slot] = 0;
    this.failedAt[slot] = -Infinity;
    this.referenced[slot] = 0;
    this.live[slot] = 1;
    this.liveCount++;
    let position = hash & this.mask;
    while (this.index[position] !== 0) position = (position + 1) & this.mask;
    this.index[position] = slot + 1;
    const moving: Moving[] = [];
    const at = this.makeRoom(this.length[slot]!, moving);
    this.ring.set(this.keyBytes.subarray(0, keyLength), at);
    this.ring.set(packed, at + keyLength);
    this.enqueue(slot, at);
    this.putBack(moving);
    return slot;
  }

  /** A copy of the slot's packed answer (a copy: the ring's bytes are reused). */
  packed(slot: number): Uint8Array {
    const start = this.offset[slot]! + this.keyLength[slot]!;
    return this.ring.slice(start, this.offset[slot]! + this.length[slot]!);
  }

  remove(key: string): void {
    const length = this.encodeKey(key);
    const position = this.positionOf(this.keyHash(length), length);
    if (position >= 0) this.kill(position);
  }

  removeSlot(slot: number): void {
    if (this.live[slot]) this.kill(this.positionOfSlot(slot));
  }

  clear(): void {
    for (let slot = 0; slot < this.maxEntries; slot++) if (this.live[slot]) this.generation[slot]!++;
    this.index.fill(0);
    this.live.fill(0);
    this.freeSlots.set(Int32Array.from({ length: this.maxEntries }, (_, i) => this.maxEntries - 1 - i));
    this.freeCount = this.maxEntries;
    this.orderStart = this.orderCount = this.head = this.liveCount = 0;
  }

  /** Where `length` bytes go at the young end: the ring grows if it may,
   *  else the oldest records make way (those read since written into `moving`). */
  private makeRoom(length: number, moving: Moving[]): number {
    if (this.head + length > this.ring.length || !this.fits(length)) this.grow(length);
    while (!this.fits(length)) this.popOldest(moving);
    if (this.orderCount === 0) this.head = 0;
    if (this.head + length > this.ring.length) this.head = 0;
    const at = this.head;
    this.head += length;
    return at;
  }

  private enqueue(slot: number, at: number): void {
    this.offset[slot] = at;
    this.order[(this.orderStart + this.orderCount++) % this.maxEntries] = slot;
  }

  /** Entries that earned a second chance go back in at the young end. */
  private putBack(moving: Moving[]): void {
    for (let next = moving.shift(); next; next = moving.shift()) {
      const at = this.makeRoom(next.bytes.length, moving);
      this.ring.set(next.bytes, at);
      this.enqueue(next.slot, at);
    }
  }

  /** The oldest record's offset, or undefined when the ring holds none. */
  private tail(): number | undefined {
    return this.orderCount === 0 ? undefined : this.offset[this.order[this.orderStart]!]!;
  }

  /** True when `length` bytes fit at the head, or at 0 after wrapping. */
  private fits(length: number): boolean {
    const tail = this.tail();
    if (tail === undefined) return length <= this.ring.length;
    if (this.head >= tail) return this.head + length <= this.ring.length || length <= tail;
    return this.head + length <= tail;
  }

  /** A bigger ring while the entries fill it before max_entries do, and
   *  while it has not wrapped (the free space is then at its end). */
  private grow(length: number): void {
    const wanted = Math.max(this.ring.length * 2, length);
    if (this.liveCount >= this.maxEntries * 0.9 || wanted > this.maxEntries * MAX_BYTES_PER_ENTRY) return;
    const tail = this.tail();
    if (tail !== undefined && this.head < tail) return;
    const ring = new Uint8Array(wanted);
    ring.set(this.ring);
    this.ring = ring;
  }

  /** Drops the oldest record, or keeps it for a move to the young end when read since written. */
  private popOldest(moving: Moving[]): void {
    const slot = this.order[this.orderStart]!;
    this.orderStart = (this.orderStart + 1) % this.maxEntries;
    this.orderCount--;
    if (!this.live[slot]) {
      this.freeSlots[this.freeCount++] = slot;
      return;
    }
    if (this.referenced[slot]) {
      this.referenced[slot] = 0;
      moving.push({ slot, bytes: this.ring.slice(this.offset[slot], this.offset[slot]! + this.length[slot]!) });
      return;
    }
    this.removeSlot(slot);
    this.freeSlots[this.freeCount++] = slot;
  }

  /** Frees slots: the oldest records go, those read since written get one move. */
  private evictOldest(): void {
    const moving: Moving[] = [];
    while (this.freeCount === 0 && this.orderCount > 0) this.popOldest(moving);
    this.putBack(moving);
  }

  /** Takes the entry out of the index (its ring bytes stay until passed). */
  private kill(position: number): void {
    const slot = this.index[position]! - 1;
    this.live[slot] = 0;
    this.generation[slot]!++;
    this.liveCount--;
    // Backward-shift deletion keeps every probe chain unbroken.
    let hole = position;
    for (let at = (position + 1) & this.mask; this.index[at] !== 0; at = (at + 1) & this.mask) {
      const home = this.hash[this.index[at]! - 1]! & this.mask;
      const between = hole <= at ? home > hole && home <= at : home > hole || home <= at;
      if (between) continue;
      this.index[hole] = this.index[at]!;
      hole = at;
    }
    this.index[hole] = 0;
  }

  private positionOfSlot(slot: number): number {
    let position = this.hash[slot]! & this.mask;
    while (this.index[position] !== slot + 1) position = (position + 1) & this.mask;
    return position;
  }

  private positionOf(hash: number, keyLength: number): number {
    for (let position = hash & this.mask; ; position = (position + 1) & this.mask) {
      const stored = this.index[position]!;
      if (stored === 0) return -1;
      const slot = stored - 1;
      if (this.hash[slot] === hash && this.keyLength[slot] === keyLength && this.sameKey(slot, keyLength)) return position;
    }
  }

  private sameKey(slot: number, keyLength: number): boolean {
    const at = this.offset[slot]!;
    for (let i = 0; i < keyLength; i++) if (this.ring[at + i] !== this.keyBytes[i]) return false;
    return true;
  }

  /** The key's UTF-8 bytes into keyBytes; returns how many. By hand for
   *  ASCII (names are, escapes included): encodeInto costs more than the
   *  rest of a lookup for a string this short. */
  private encodeKey(key: string): number {
    const length = key.length;
    for (let i = 0; i < length; i++) {
      const code = key.charCodeAt(i);
      if (code >= 0x80) return textEncoder.encodeInto(key, this.keyBytes).written;
      this.keyBytes[i] = code;
    }
    return length;
  }

  /** FNV-1a over the key's bytes. */
  private keyHash(length: number): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < length; i++) hash = Math.imul(hash ^ this.keyBytes[i]!, 0x01000193);
    return hash;
  }
}
