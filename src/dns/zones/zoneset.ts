// The zones a view serves, found by the longest matching origin.
import { parentOf } from '../name.ts';
import type { Name } from '../record.ts';
import type { Zone } from './zone.ts';

export class ZoneSet {
  private readonly zones: Map<Name, Zone>;

  constructor(zones: readonly Zone[]) {
    this.zones = new Map(zones.map((zone) => [zone.origin, zone]));
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
