// RFC 2136 §3.4: the update section. It is checked whole first (§3.4.1), so
// a bad entry refuses the update before anything changes, then applied in
// order (§3.4.2) to a working copy that becomes the zone's next version only
// if everything succeeded: an update is atomic (§3.4.2.1 note, §3.7).
import { Rcode } from '../message.ts';
import { RRClass, RRType, type Name, type ResourceRecord } from '../record.ts';
import type { ZoneContents } from './contents.ts';

/** Query-only types (RFC 6895 §3.1: 128–255 are meta and QTYPEs) and OPT
 *  can never be zone data. ANY is allowed only to delete (class ANY). */
function isMetaType(type: number): boolean {
  return type === RRType.OPT || (type >= 128 && type <= 255);
}

/** RDATA whose length is fixed by its type; a wrong length would be served. */
const FIXED_LENGTH = new Map<number, number>([
  [RRType.A, 4],
  [RRType.AAAA, 16],
]);

/** §3.4.1: NOTZONE for a name that is not the zone's (`inZone`), FORMERR for a malformed entry. */
export function prescanUpdates(inZone: (name: Name) => boolean, updates: readonly ResourceRecord[]): number {
  for (const rr of updates) {
    if (!inZone(rr.name)) return Rcode.NOTZONE;
    if (rr.class === RRClass.IN) {
      if (isMetaType(rr.type)) return Rcode.FORMERR;
      const length = FIXED_LENGTH.get(rr.type);
      if (length !== undefined && rr.rdata.length !== length) return Rcode.FORMERR;
    } else if (rr.class === RRClass.ANY) {
      if (rr.ttl !== 0 || rr.rdata.length !== 0 || (isMetaType(rr.type) && rr.type !== RRType.ANY)) return Rcode.FORMERR;
    } else if (rr.class === RRClass.NONE) {
      if (rr.ttl !== 0 || isMetaType(rr.type)) return Rcode.FORMERR;
    } else return Rcode.FORMERR;
  }
  return Rcode.NOERROR;
}

/** §3.4.2, on entries that passed the prescan. The apex SOA and NS are
 *  protected: hearth owns the SOA (its serial counts the updates) and a zone
 *  never loses its last NS, as §3.4.2.3 and §3.4.2.4 require. */
export function applyUpdates(zone: ZoneContents, origin: Name, updates: readonly ResourceRecord[]): void {
  for (const rr of updates) {
    const atApex = rr.name === origin;
    if (rr.class === RRClass.IN) {
      if (rr.type === RRType.SOA) continue;
      const types = zone.types(rr.name);
      // §3.4.2.2: a CNAME is not added beside other data, nor data beside a CNAME;
      // a CNAME added where one exists replaces it, and so does a DNAME, of
      // which an owner has one too (RFC 6672 §2.4; BIND does the same).
      if (rr.type === RRType.CNAME && types.some((type) => type !== RRType.CNAME)) continue;
      if (rr.type !== RRType.CNAME && types.includes(RRType.CNAME)) continue;
      if (rr.type === RRType.CNAME || rr.type === RRType.DNAME) zone.deleteRRset(rr.name, rr.type);
      zone.add(rr);
    } else if (rr.class === RRClass.ANY) {
      const types = rr.type === RRType.ANY ? zone.types(rr.name) : [rr.type];
      for (const type of types) {
        if (atApex && (type === RRType.SOA || type === RRType.NS)) continue;
        zone.deleteRRset(rr.name, type);
      }
    } else {
      if (rr.type === RRType.SOA) continue;
      if (atApex && rr.type === RRType.NS && zone.rrset(rr.name, RRType.NS).length <= 1) continue;
      zone.deleteRecord(rr);
    }
  }
}
