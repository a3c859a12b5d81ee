// The local zones as the admin API sees them: listed and read per view, and
// changed through the ZoneUpdater, the same path RFC 2136 takes.
import type { Name, ResourceRecord } from '../record.ts';
import type { Views } from '../views.ts';
import { serialOf } from './serial.ts';
import type { UpdateResult, ZoneUpdate, ZoneUpdater } from './updater.ts';

export interface ZoneSummary {
  readonly origin: Name;
  readonly serial: number;
  readonly records: number;
}

export class LocalZones {
  private readonly updater: ZoneUpdater;
  private readonly views: () => Views;

  constructor(updater: ZoneUpdater, views: () => Views) {
    this.updater = updater;
    this.views = views;
  }

  /** The zones of `view`, or undefined when there is no such view. */
  list(view: string): ZoneSummary[] | undefined {
    const zones = this.views().named(view)?.zones;
    if (!zones) return undefined;
    return [...zones.all()].map((zone) => ({ origin: zone.origin, serial: serialOf(zone.soa), records: [...zone.records()].length }));
  }

  /** Every record of the zone `origin` in `view`, or undefined when it is not served there. */
  records(origin: Name, view: string): ResourceRecord[] | undefined {
    const zone = this.views().named(view)?.zones.get(origin);
    return zone ? [...zone.records()] : undefined;
  }

  /** Applies `update` to the zone `origin` of `view`; undefined when it is not served there. */
  update(origin: Name, update: ZoneUpdate, view: string): UpdateResult | undefined {
    const zones = this.views().named(view)?.zones;
    const zone = zones?.get(origin);
    return zones && zone ? this.updater.apply(zones, zone, update) : undefined;
  }
}
