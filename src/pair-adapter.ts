// The pair's sync (ha/sync/ports.ts) over the running hearth's zones: kept
// apart from app.ts as api-adapter.ts is, since ha/ imports no other feature.
import type { ZoneJournal } from './dns/update/journal.ts';
import { serialIsNewer, serialOf } from './dns/update/serial.ts';
import type { ZoneUpdater } from './dns/update/updater.ts';
import type { ZoneSet } from './dns/zones/zoneset.ts';
import type { PairZones } from './ha/sync/ports.ts';

/** `zoneSets`: the loaded zone sets by zones_dir as the config names it. */
export function pairZones(journal: ZoneJournal, updater: ZoneUpdater, zoneSets: () => ReadonlyMap<string, ZoneSet>): PairZones {
  return {
    onRecord: (listener) => journal.onRecord(listener),
    dirs: () => zoneSets().keys(),
    overlays: (dir) => journal.overlays(dir),
    restore: (dir, origin, overlay) => journal.restore(dir, origin, overlay),
    replay: (change) => {
      const set = zoneSets().get(change.dir);
      const zone = set?.get(change.origin);
      if (!set || !zone) return 'missing';
      // RFC 1982 serial arithmetic: a change the zone already has is not applied twice.
      if (!serialIsNewer(change.serial, serialOf(zone.soa))) return 'had';
      return updater.replay(set, zone, change.diff, change.serial) ? 'applied' : 'missing';
    },
  };
}
