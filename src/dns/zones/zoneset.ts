// The zones a view serves, found by the longest matching origin. Views that
// share a zones_dir share one ZoneSet, so an update (RFC 2136, the API, DHCP)
// that replaces a zone is seen by all of them at once.
import { parentOf } from '../name.ts';
import type { Name } from '../record.ts';
import type { Zone } from './zone.ts';

export class ZoneSet {
  /** The zones_dir the set was loaded from: updates are journaled under it. */
  readonly dir: string;
  private zones = new Map<Name, Zone>();
  private bases = new Map<Name, Zone>();

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Serves `zones` from now on, in place of what the set held (a reload).
   *  `bases`: the same zones as their files (or hearth's generated SOA and
   *  NS) have them, before any journaled update. */
  load(zones: readonly Zone[], bases: readonly Zone[] = zones): void {
    this.zones = new Map(zones.map((zone) => [zone.origin, zone]));
    this.bases = new Map(bases.map((zone) => [zone.origin, zone]));
  }

  get size(): number {
    return this.zones.size;
  }

  /** The zone whose origin is exactly `origin`. */
  get(origin: Name): Zone | undefined {
    return this.zones.get(origin);
  }

  /** The zone `origin` as its file has it: the owner's records, which no
   *  DHCP client's name may take or remove. */
  base(origin: Name): Zone | undefined {
    return this.bases.get(origin);
  }

  all(): IterableIterator<Zone> {
    return this.zones.values();
  }

  /** Swaps in the next version of a zone this set serves. */
  replace(zone: Zone): void {
    if (!this.zones.has(zone.origin)) throw new Error(`${zone.origin} is not in this zone set`);
    this.zones.set(zone.origin, zone);
  }

  /** The closest enclosing zone of `name`, if hearth is authoritative for it. */
  find(name: Name): Zone | undefined {
    if (this.zones.size === 0) return undefined;
    for (let at: Name | undefined = name; at !== undefined; at = parentOf(at)) {
      const zone = this.zones.get(at);
      if (zone) return zone;
    }
    return undefined;
  }
}
