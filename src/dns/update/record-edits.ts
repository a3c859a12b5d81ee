// One record added or deleted by hand (the admin API's zone routes), as the
// RFC 2136 update it becomes, and the reasons a zone turns one down. The
// update itself goes through the same path as an UPDATE message.
import { labelsOf } from '../name.ts';
import { RRClass, RRType, type Name, type ResourceRecord } from '../record.ts';
import { sameRdata } from './contents.ts';

/** Parents before children, siblings by name, then by type (RFC 4034 §6.1, near enough). */
export function canonicalOrder(a: ResourceRecord, b: ResourceRecord): number {
  const x = labelsOf(a.name).reverse();
  const y = labelsOf(b.name).reverse();
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length || a.type - b.type;
}

/** RFC 1035 §5.1: ";" outside quotes, and not escaped, starts a comment. */
export function hasComment(text: string): boolean {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') quoted = !quoted;
    else if (text[i] === ';' && !quoted) return true;
  }
  return false;
}

export interface Addition {
  readonly owner: Name;
  readonly type: number;
  readonly rdata: Uint8Array;
  /** When absent: the RRset's TTL, or for a new RRset the SOA's (RFC 2181 §5.2: one TTL per RRset). */
  readonly ttl?: number | undefined;
}

/** The record to add, or undefined when the zone (`records`) holds it already. */
export function recordToAdd(addition: Addition, records: readonly ResourceRecord[]): ResourceRecord | undefined {
  const { owner, type, rdata } = addition;
  const rrset = records.filter((r) => r.name === owner && r.type === type);
  if (rrset.some((r) => sameRdata(r.rdata, rdata))) return undefined;
  const soaTtl = records.find((r) => r.type === RRType.SOA)?.ttl ?? 0;
  return { name: owner, type, class: RRClass.IN, ttl: addition.ttl ?? rrset[0]?.ttl ?? soaTtl, rdata };
}

/** RFC 2136 §2.5.2–2.5.4: class NONE deletes one record (type and data given),
 *  class ANY an RRset (type given) or, with type ANY, all of a name's. */
export function deletion(owner: Name, type?: number, rdata?: Uint8Array): ResourceRecord {
  return type !== undefined && rdata !== undefined
    ? { name: owner, type, class: RRClass.NONE, ttl: 0, rdata }
    : { name: owner, type: type ?? RRType.ANY, class: RRClass.ANY, ttl: 0, rdata: new Uint8Array(0) };
}

/** Whether `record` is one that `update` (from deletion()) removes. */
export function deletes(update: ResourceRecord, record: ResourceRecord): boolean {
  return (
    record.name === update.name &&
    (update.type === RRType.ANY || record.type === update.type) &&
    (update.class === RRClass.ANY || sameRdata(record.rdata, update.rdata))
  );
}

/** RFC 2136 §3.4.2.2 ignores an SOA and data beside a CNAME: say which. */
export function whyNotAdded(record: ResourceRecord, records: readonly ResourceRecord[]): string {
  if (record.type === RRType.SOA) return 'hearth keeps the SOA itself (its serial counts the changes): edit the zone file to change it';
  const types = records.filter((r) => r.name === record.name).map((r) => r.type);
  if (record.type === RRType.CNAME) return `${record.name} has other records, and a CNAME cannot stand beside them (RFC 1034 §3.6.2)`;
  if (types.includes(RRType.CNAME)) return `${record.name} is an alias (CNAME), which can have no other records (RFC 1034 §3.6.2)`;
  return 'the zone did not change';
}
