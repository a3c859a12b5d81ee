// A zone's records as a mutable map, the working copy an update is applied
// to before the next immutable Zone is built from it.
import type { Name, ResourceRecord } from '../record.ts';

/** Identifies one record of a zone: RFC 2136 §1.1 compares RRs by name, type
 *  and RDATA (the TTL is not part of an RR's identity). */
export function recordKey(record: Pick<ResourceRecord, 'name' | 'type' | 'rdata'>): string {
  return `${record.name}/${record.type}/${Buffer.from(record.rdata.buffer, record.rdata.byteOffset, record.rdata.length).toString('base64')}`;
}

export function sameRdata(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

export class ZoneContents {
  private readonly nodes = new Map<Name, Map<number, ResourceRecord[]>>();

  constructor(records: Iterable<ResourceRecord>) {
    for (const record of records) this.add(record);
  }

  *records(): IterableIterator<ResourceRecord> {
    for (const node of this.nodes.values()) for (const set of node.values()) yield* set;
  }

  rrset(name: Name, type: number): readonly ResourceRecord[] {
    return this.nodes.get(name)?.get(type) ?? [];
  }

  types(name: Name): readonly number[] {
    return [...(this.nodes.get(name)?.keys() ?? [])];
  }

  /** Adds a record, or replaces the TTL of the RRset it belongs to: RFC 2181
   *  §5.2 gives an RRset one TTL, and the newest is the one the client meant. */
  add(record: ResourceRecord): void {
    let node = this.nodes.get(record.name);
    if (!node) this.nodes.set(record.name, (node = new Map()));
    const set = (node.get(record.type) ?? []).filter((r) => !sameRdata(r.rdata, record.rdata));
    node.set(record.type, [...set.map((r) => (r.ttl === record.ttl ? r : { ...r, ttl: record.ttl })), record]);
  }

  deleteRecord(record: Pick<ResourceRecord, 'name' | 'type' | 'rdata'>): void {
    const set = this.rrset(record.name, record.type).filter((r) => !sameRdata(r.rdata, record.rdata));
    this.setRRset(record.name, record.type, set);
  }

  deleteRRset(name: Name, type: number): void {
    this.setRRset(name, type, []);
  }

  private setRRset(name: Name, type: number, set: ResourceRecord[]): void {
    const node = this.nodes.get(name);
    if (!node) return;
    if (set.length > 0) node.set(type, set);
    else node.delete(type);
    if (node.size === 0) this.nodes.delete(name);
  }
}

/** What changed between two versions of a zone: the records now present with
 *  a new identity or TTL, and those gone. The journal stores exactly this. */
export interface ZoneDiff {
  readonly present: readonly ResourceRecord[];
  readonly absent: readonly ResourceRecord[];
}

export function diffRecords(before: Iterable<ResourceRecord>, after: Iterable<ResourceRecord>): ZoneDiff {
  const old = new Map<string, ResourceRecord>();
  for (const record of before) old.set(recordKey(record), record);
  const present: ResourceRecord[] = [];
  for (const record of after) {
    const key = recordKey(record);
    const was = old.get(key);
    if (was?.ttl !== record.ttl) present.push(record);
    old.delete(key);
  }
  return { present, absent: [...old.values()] };
}
