// The one path by which hearth's local zones change at run time: RFC 2136
// UPDATEs, the API's record edits and DHCP's host names all come here. An
// update is checked, applied to a working copy, journaled durably, and only
// then swapped in, so a client that hears NOERROR will find its change
// served now and after any restart.
import type { Logger } from '../../observe/log.ts';
import { Rcode } from '../message.ts';
import { RRType, type Name, type ResourceRecord } from '../record.ts';
import { Zone } from '../zones/zone.ts';
import type { ZoneSet } from '../zones/zoneset.ts';
import { ZoneContents, type ZoneDiff } from './contents.ts';
import { applyUpdates, prescanUpdates } from './changes.ts';
import type { Durability, ZoneJournal } from './journal.ts';
import { checkPrerequisites } from './prerequisites.ts';
import { nextSerial, serialOf, withSerial } from './serial.ts';

export interface ZoneUpdate {
  /** RFC 2136 §2.4, checked before anything changes. */
  readonly prerequisites: readonly ResourceRecord[];
  /** RFC 2136 §2.5: class IN adds, class ANY deletes RRsets or names, class NONE deletes records. */
  readonly updates: readonly ResourceRecord[];
}

export type UpdateResult =
  { readonly rcode: typeof Rcode.NOERROR; readonly zone: Zone; readonly changed: boolean } | { readonly rcode: number; readonly reason: string };

export class ZoneUpdater {
  private readonly journal: ZoneJournal;
  private readonly log: Logger;

  constructor(journal: ZoneJournal, log: Logger) {
    this.journal = journal;
    this.log = log;
  }

  /** Applies `update` to `zone` of `zones`, all or nothing. Synchronous, so
   *  no query or other update sees half of it. `durability`: see ZoneJournal. */
  apply(zones: ZoneSet, zone: Zone, update: ZoneUpdate, durability: Durability = 'now'): UpdateResult {
    const contents = new ZoneContents(zone);
    // RFC 2136 §3.4.1.3 zone_of(name): the zone itself, not a child zone hearth also serves.
    const inZone = (name: Name) => zones.find(name)?.origin === zone.origin;
    const prerequisite = checkPrerequisites(contents, inZone, update.prerequisites);
    if (prerequisite !== Rcode.NOERROR) return { rcode: prerequisite, reason: 'a prerequisite failed' };
    const scan = prescanUpdates(inZone, update.updates);
    if (scan !== Rcode.NOERROR) return { rcode: scan, reason: scan === Rcode.NOTZONE ? 'a name is outside the zone' : 'a malformed update record' };
    applyUpdates(contents, zone.origin, update.updates);
    const diff = contents.diff();
    if (diff.present.length === 0 && diff.absent.length === 0) return { rcode: Rcode.NOERROR, zone, changed: false };
    // RFC 2136 §3.6: the serial grows with every change to the zone.
    const serial = nextSerial(serialOf(zone.soa));
    contents.deleteRRset(zone.origin, RRType.SOA);
    contents.add(withSerial(zone.soa, serial));
    const next = contents.build();
    if (!(next instanceof Zone)) {
      this.log.warn({ zone: zone.origin, problems: next }, 'update refused: the result would not be a valid zone');
      return { rcode: Rcode.REFUSED, reason: next.join('; ') };
    }
    try {
      this.journal.record(zones.dir, zone.origin, diff, serial, durability);
    } catch (error) {
      this.log.error({ err: error, zone: zone.origin }, 'update not stored');
      return { rcode: Rcode.SERVFAIL, reason: 'the update could not be stored' };
    }
    zones.replace(next);
    return { rcode: Rcode.NOERROR, zone: next, changed: true };
  }

  /** Applies a change another node made and journaled (the pair's master):
   *  the same diff and serial, journaled here too. False when it does not
   *  make a valid zone (the caller then resyncs the zone whole). */
  replay(zones: ZoneSet, zone: Zone, diff: ZoneDiff, serial: number): boolean {
    const contents = new ZoneContents(zone);
    for (const record of diff.absent) contents.deleteRecord(record);
    for (const record of diff.present) contents.add(record);
    contents.deleteRRset(zone.origin, RRType.SOA);
    contents.add(withSerial(zone.soa, serial));
    const next = contents.build();
    if (!(next instanceof Zone)) return false;
    this.journal.record(zones.dir, zone.origin, diff, serial);
    zones.replace(next);
    return true;
  }
}
