// RFC 2136 §3.2: the prerequisite section, checked against the zone as it is
// before any update is applied. The first failing prerequisite decides the
// rcode; value-dependent ones (class = the zone's) are compared as whole
// RRsets at the end (§3.2.3).
import { Rcode } from '../message.ts';
import { RRClass, RRType, type Name, type ResourceRecord } from '../record.ts';
import { recordKey, type ZoneContents } from './contents.ts';

/** `inZone`: the name is this zone's (RFC 2136 §3.2.1: else NOTZONE). */
export function checkPrerequisites(zone: ZoneContents, inZone: (name: Name) => boolean, prerequisites: readonly ResourceRecord[]): number {
  // RRsets the client says must exist with exactly these values, by name/type.
  const expected = new Map<string, { name: Name; type: number; keys: Set<string> }>();
  for (const rr of prerequisites) {
    if (rr.ttl !== 0) return Rcode.FORMERR;
    if (!inZone(rr.name)) return Rcode.NOTZONE;
    if (rr.class === RRClass.ANY) {
      if (rr.rdata.length !== 0) return Rcode.FORMERR;
      // §2.4.4 "Name is in use" / §2.4.1 "RRset exists (value independent)".
      if (rr.type === RRType.ANY) {
        if (zone.types(rr.name).length === 0) return Rcode.NXDOMAIN;
      } else if (zone.rrset(rr.name, rr.type).length === 0) return Rcode.NXRRSET;
    } else if (rr.class === RRClass.NONE) {
      if (rr.rdata.length !== 0) return Rcode.FORMERR;
      // §2.4.5 "Name is not in use" / §2.4.3 "RRset does not exist".
      if (rr.type === RRType.ANY) {
        if (zone.types(rr.name).length > 0) return Rcode.YXDOMAIN;
      } else if (zone.rrset(rr.name, rr.type).length > 0) return Rcode.YXRRSET;
    } else if (rr.class === RRClass.IN) {
      if (rr.type === RRType.ANY) return Rcode.FORMERR;
      // §2.4.2 "RRset exists (value dependent)": gathered, compared below.
      const id = `${rr.name}/${rr.type}`;
      let entry = expected.get(id);
      if (!entry) expected.set(id, (entry = { name: rr.name, type: rr.type, keys: new Set() }));
      entry.keys.add(recordKey(rr));
    } else return Rcode.FORMERR;
  }
  for (const { name, type, keys } of expected.values()) {
    const actual = zone.rrset(name, type);
    if (actual.length !== keys.size || !actual.every((rr) => keys.has(recordKey(rr)))) return Rcode.NXRRSET;
  }
  return Rcode.NOERROR;
}
