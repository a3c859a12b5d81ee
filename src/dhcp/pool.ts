// The dynamic addresses of a DHCP server and the order it hands them out in.
// Never-used addresses go first, in ascending order; then addresses whose
// binding ended, least recently released first, so a client that comes back
// finds its old address free for as long as possible (RFC 2131 §4.3.1 asks
// servers to prefer a client's previous address; this keeps it available).
//
// The pool holds no occupancy of its own: whether an address is taken (a
// lease, an offer, a quarantine) and when it was last released is asked of
// `AddressUse`, so the lease store stays the single truth. A released address
// is queued with its release time; a queue entry that no longer matches (taken
// again, released again later) is skipped, so nothing is ever removed from the
// middle of the queue and every operation is O(1) amortized.
import { addressNumber, addressText } from './subnet.ts';

export interface AddressUse {
  /** Nobody holds `address`: no active lease, pending offer or quarantine. */
  isFree(address: string): boolean;
  /** When its last binding ended (ms), undefined when it has none on record. */
  releasedAt(address: string): number | undefined;
}

export interface PoolConfig {
  readonly range: readonly [string, string];
  /** Single addresses or inclusive ranges "first-last". */
  readonly exclude: readonly string[];
  /** Addresses of static leases: never handed out dynamically. */
  readonly reserved: ReadonlySet<string>;
}

interface Released {
  readonly value: number;
  readonly address: string;
  readonly at: number | undefined;
}

type Span = readonly [number, number];

function span(text: string): Span {
  const [first = '', last = first] = text.split('-').map((part) => part.trim());
  return [addressNumber(first) ?? 1, addressNumber(last) ?? 0];
}

export class AddressPool {
  private readonly first: number;
  private readonly last: number;
  private readonly excluded: readonly Span[];
  private readonly reserved: ReadonlySet<string>;
  private readonly use: AddressUse;
  /** The next never-used address to look at. */
  private cursor: number;
  private queue: Released[] = [];
  private head = 0;

  /** `former`: addresses with an ended binding, least recently released first. */
  constructor(config: PoolConfig, use: AddressUse, former: Iterable<string> = []) {
    [this.first, this.last] = span(config.range.join('-'));
    this.excluded = config.exclude.map(span);
    this.reserved = config.reserved;
    this.use = use;
    this.cursor = this.first;
    for (const address of former) this.released(address);
  }

  /** In the range, not excluded and not reserved. */
  isDynamic(address: string): boolean {
    const value = addressNumber(address);
    return value !== undefined && this.isDynamicNumber(value, address);
  }

  /** The address to offer next, or undefined when the pool is exhausted. */
  next(): string | undefined {
    while (this.cursor <= this.last) {
      const value = this.cursor++;
      const address = addressText(value);
      if (this.isDynamicNumber(value, address) && this.use.isFree(address) && this.use.releasedAt(address) === undefined) return address;
    }
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head++]!;
      if (this.isDynamicNumber(entry.value, entry.address) && this.use.isFree(entry.address) && this.use.releasedAt(entry.address) === entry.at) {
        this.compact();
        return entry.address;
      }
    }
    this.compact();
    return undefined;
  }

  /** `address` became free (a binding ended, an offer lapsed, a quarantine
   *  ran out): it joins the end of the queue. */
  released(address: string): void {
    const value = addressNumber(address);
    if (value !== undefined && this.isDynamicNumber(value, address)) this.queue.push({ value, address, at: this.use.releasedAt(address) });
  }

  private isDynamicNumber(value: number, address: string): boolean {
    if (value < this.first || value > this.last || this.reserved.has(address)) return false;
    return !this.excluded.some(([low, high]) => value >= low && value <= high);
  }

  /** Drops the consumed front of the queue once it is most of the array. */
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
