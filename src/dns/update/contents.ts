// The working copy an update is applied to: the zone's nodes the update
// touches, copied on first change over the zone as it stands, from which the
// next immutable Zone is made. Only those nodes are copied, compared and
// checked, so an update's work grows with the change, not with the zone.
import type { Name, ResourceRecord } from '../record.ts';
import type { Node, Zone } from '../zones/zone.ts';

/** Identifies one record of a zone: RFC 2136 §1.1 compares RRs by name, type
 *  and RDATA (the TTL is not part of an RR's identity). */
export function recordKey(record: Pick<ResourceRecord, 'name' | 'type' | 'rdata'>): string {
  return `${record.name}/${record.type}/${Buffer.from(record.rdata.buffer, record.rdata.byteOffset, record.rdata.length).toString('base64')}`;
}

export function sameRdata(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

export class ZoneContents {
  private readonly base: Zone;
  /** The nodes changed so far, each copied from the base when first
   *  changed; an empty node is a name that lost all its records. */
  private readonly changed = new Map<Name, Map<number, readonly ResourceRecord[]>>();

  constructor(base: Zone) {
    this.base = base;
  }

  rrset(name: Name, type: number): readonly ResourceRecord[] {
    return this.node(name)?.get(type) ?? [];
  }

  types(name: Name): readonly number[] {
    return [...(this.node(name)?.keys() ?? [])];
  }

  /** Adds a record, or replaces the TTL of the RRset it belongs to: RFC 2181
   *  §5.2 gives an RRset one TTL, and the newest is the one the client meant. */
  add(record: ResourceRecord): void {
    const set = this.rrset(record.name, record.type).filter((r) => !sameRdata(r.rdata, record.rdata));
    this.changing(record.name).set(record.type, [...set.map((r) => (r.ttl === record.ttl ? r : { ...r, ttl: record.ttl })), record]);
  }

  deleteRecord(record: Pick<ResourceRecord, 'name' | 'type' | 'rdata'>): void {
    const set = this.rrset(record.name, record.type).filter((r) => !sameRdata(r.rdata, record.rdata));
    this.setRRset(record.name, record.type, set);
  }

  deleteRRset(name: Name, type: number): void {
    this.setRRset(name, type, []);
  }

  /** The records that differ from the base: the journal stores exactly this. */
  diff(): ZoneDiff {
    const names = [...this.changed.keys()];
    return diffRecords(
      names.flatMap((name) => recordsOf(this.base.node(name))),
      names.flatMap((name) => recordsOf(this.changed.get(name))),
    );
  }

  /** The base with the changes: the zone's next version, or why it is none. */
  build(): Zone | string[] {
    return this.base.withNodes(this.changed);
  }

  private node(name: Name): Node | undefined {
    return this.changed.get(name) ?? this.base.node(name);
  }

  private changing(name: Name): Map<number, readonly ResourceRecord[]> {
    let node = this.changed.get(name);
    if (!node) this.changed.set(name, (node = new Map(this.base.node(name))));
    return node;
  }

  private setRRset(name: Name, type: number, set: readonly ResourceRecord[]): void {
    if (!this.node(name)?.has(type)) return;
    const node = this.changing(name);
    if (set.length > 0) node.set(type, set);
    else node.delete(type);
  }
}

function recordsOf(node: Node | undefined): ResourceRecord[] {
  return node ? [...node.values()].flat() : [];
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
