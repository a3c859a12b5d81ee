// One authoritative zone held in memory, and the lookup of RFC 1034 §4.3.2
// over it: exact match, CNAME, zone cut (referral), DNAME (RFC 6672), empty
// non-terminal, wildcard (RFC 4592), or a name that does not exist.
import { isAtOrBelow, labelsOf, MAX_NAME_WIRE, nameFromWire, nameToWire, parentOf } from '../name.ts';
import { RRClass, RRType, type Name, type ResourceRecord } from '../record.ts';
import { NameIndex } from './name-index.ts';

export type Lookup =
  | { readonly kind: 'answer'; readonly records: readonly ResourceRecord[] }
  | { readonly kind: 'cname'; readonly record: ResourceRecord; readonly target: Name }
  /** RFC 6672 §3.1: a DNAME above the name, and the CNAME it stands for. */
  | { readonly kind: 'dname'; readonly dname: ResourceRecord; readonly cname: ResourceRecord; readonly target: Name }
  /** RFC 6672 §2.2: the name the DNAME makes is longer than a name may be. */
  | { readonly kind: 'yxdomain'; readonly dname: ResourceRecord }
  | { readonly kind: 'nodata' }
  | { readonly kind: 'nxdomain' }
  | { readonly kind: 'referral'; readonly ns: readonly ResourceRecord[]; readonly glue: readonly ResourceRecord[] };

/** The RRsets owned by one name, by type. */
export type Node = ReadonlyMap<number, readonly ResourceRecord[]>;

const BESIDE_CNAME = new Set<number>([RRType.CNAME, RRType.RRSIG, RRType.NSEC]);

export class Zone {
  readonly origin: Name;
  readonly soa: ResourceRecord;
  private readonly nodes: NameIndex<Node>;
  /** For every name below the apex that exists, empty non-terminals
   *  included (RFC 4592 §2.2.2): how many names at or below it own records,
   *  so a removal tells when an empty non-terminal goes too. */
  private readonly below: NameIndex<number>;

  private constructor(origin: Name, soa: ResourceRecord, nodes: NameIndex<Node>, below: NameIndex<number>) {
    this.origin = origin;
    this.soa = soa;
    this.nodes = nodes;
    this.below = below;
  }

  /** Builds a zone, or says why the records do not make one. */
  static build(origin: Name, records: readonly ResourceRecord[]): Zone | string[] {
    const problems: string[] = [];
    const nodes = new Map<Name, Map<number, ResourceRecord[]>>();
    const seen = new Set<string>();
    for (const record of records) {
      const problem = recordProblem(origin, record);
      if (problem !== undefined) {
        problems.push(problem);
        continue;
      }
      let node = nodes.get(record.name);
      if (!node) nodes.set(record.name, (node = new Map()));
      // Duplicate records are one record (RFC 2181 §5).
      const key = `${record.name}/${record.type}/${Buffer.from(record.rdata).toString('base64')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const set = node.get(record.type);
      if (set) set.push(record);
      else node.set(record.type, [record]);
    }
    // RFC 2181 §5.2: the records of an RRset share one TTL; take the lowest.
    for (const node of nodes.values()) {
      for (const [type, set] of node) {
        const ttl = Math.min(...set.map((r) => r.ttl));
        if (set.some((r) => r.ttl !== ttl)) node.set(type, set.map((r) => ({ ...r, ttl })));
      }
    }
    const below = new Map<Name, number>();
    for (const name of nodes.keys()) for (const at of ancestry(name, origin)) below.set(at, (below.get(at) ?? 0) + 1);
    return Zone.checked(origin, NameIndex.of(nodes), NameIndex.of(below), nodes.keys(), problems);
  }

  /**
   * This zone with the nodes of `changes` in place of its own (an empty node
   * removes its name), or why that is not a zone: the next version after an
   * update, in time that grows with the change rather than the zone: only
   * the changed nodes are checked, and only the shards of the name indexes
   * that hold them are copied.
   */
  withNodes(changes: ReadonlyMap<Name, Node>): Zone | string[] {
    const problems: string[] = [];
    const nodes: [Name, Node | undefined][] = [];
    const counts = new Map<Name, number>();
    for (const [name, node] of changes) {
      for (const set of node.values()) for (const record of set) {
        const problem = recordProblem(this.origin, record);
        if (problem !== undefined) problems.push(problem);
      }
      const owns = node.size > 0;
      nodes.push([name, owns ? node : undefined]);
      if (owns === this.nodes.has(name)) continue;
      for (const at of ancestry(name, this.origin)) counts.set(at, (counts.get(at) ?? this.below.get(at) ?? 0) + (owns ? 1 : -1));
    }
    const below = this.below.with([...counts].map(([at, count]) => [at, count > 0 ? count : undefined]));
    return Zone.checked(this.origin, this.nodes.with(nodes), below, changes.keys(), problems);
  }

  /** The zone, unless `problems` or the nodes of `names` say it is none. */
  private static checked(origin: Name, nodes: NameIndex<Node>, below: NameIndex<number>, names: Iterable<Name>, problems: string[]): Zone | string[] {
    const apexSoa = nodes.get(origin)?.get(RRType.SOA);
    if (!apexSoa || apexSoa.length !== 1) problems.push(`the zone ${origin} needs exactly one SOA record at its apex`);
    for (const name of names) {
      const node = nodes.get(name);
      if (!node) continue;
      if (name !== origin && node.has(RRType.SOA)) problems.push(`${name} has an SOA record but is not the zone apex`);
      // RFC 1034 §3.6.2: a CNAME owner has no other data, but its DNSSEC records (RFC 4035 §2.5).
      if (node.has(RRType.CNAME) && [...node.keys()].some((type) => !BESIDE_CNAME.has(type))) problems.push(`${name} has a CNAME and other records`);
      if ((node.get(RRType.CNAME)?.length ?? 0) > 1) problems.push(`${name} has more than one CNAME`);
      // RFC 6672 §2.4: one DNAME per owner (and none beside a CNAME, above).
      if ((node.get(RRType.DNAME)?.length ?? 0) > 1) problems.push(`${name} has more than one DNAME`);
    }
    if (problems.length > 0 || !apexSoa?.[0]) return problems;
    return new Zone(origin, apexSoa[0], nodes, below);
  }

  /** Every record of the zone (the API lists them). */
  *records(): IterableIterator<ResourceRecord> {
    for (const node of this.nodes.values()) for (const set of node.values()) yield* set;
  }

  /** The RRsets owned by `name` (no wildcard or CNAME processing). */
  node(name: Name): Node | undefined {
    return this.nodes.get(name);
  }

  /** True when `name` owns records or has names below it (RFC 2136 §2.4.4 "name is in use"). */
  exists(name: Name): boolean {
    return name === this.origin || this.below.has(name);
  }

  /** The SOA for negative answers, its TTL the lesser of its own and MINIMUM (RFC 2308 §3). */
  negativeSoa(): ResourceRecord {
    const rdata = this.soa.rdata;
    const minimum = new DataView(rdata.buffer, rdata.byteOffset + rdata.length - 4, 4).getUint32(0);
    return { ...this.soa, ttl: Math.min(this.soa.ttl, minimum) };
  }

  lookup(name: Name, type: number): Lookup {
    const above = this.above(name, type);
    if (above) return above;
    const node = this.nodes.get(name);
    if (node) return this.fromNode(node, name, type);
    if (this.exists(name)) return { kind: 'nodata' };
    // RFC 4592 §3.3.1: the wildcard at the closest encloser, if any, answers;
    // one that exists only as an empty non-terminal answers NODATA (§2.2.2, §4.9).
    const source = `*.${this.closestEncloser(name)}`;
    const wildcard = this.nodes.get(source);
    if (wildcard) return this.fromNode(wildcard, name, type);
    return this.below.has(source) ? { kind: 'nodata' } : { kind: 'nxdomain' };
  }

  private fromNode(node: Node, owner: Name, type: number): Lookup {
    const cname = node.get(RRType.CNAME)?.[0];
    if (cname && type !== RRType.CNAME) {
      return { kind: 'cname', record: { ...cname, name: owner }, target: nameFromWire(cname.rdata).name };
    }
    // RFC 8482 §4.2: answer ANY with one RRset rather than everything.
    const records = type === RRType.ANY ? node.values().next().value : node.get(type);
    if (!records || records.length === 0) return { kind: 'nodata' };
    return { kind: 'answer', records: owner === records[0]!.name ? records : records.map((r) => ({ ...r, name: owner })) };
  }

  /** What stops the way down to `name` first: a delegation (NS below the apex, RFC 1034 §4.3.2
   *  step 3b) or a DNAME above the name (RFC 6672 §3.2), which hides any data below it. */
  private above(name: Name, type: number): Lookup | undefined {
    const labels = labelsOf(name);
    const depth = labelsOf(this.origin).length;
    for (let i = labels.length - depth; i >= 0; i--) {
      const at = labels.slice(i).join('.');
      const node = this.nodes.get(at);
      if (!node) continue;
      const dname = at === name ? undefined : node.get(RRType.DNAME)?.[0];
      const ns = at === this.origin ? undefined : node.get(RRType.NS);
      // The parent side answers DS at the cut itself (RFC 4035 §3.1.4.1).
      if (ns && !(at === name && type === RRType.DS)) {
        const glue = ns.flatMap((r) => {
          const host = nameFromWire(r.rdata).name;
          const node = isAtOrBelow(host, at) ? this.nodes.get(host) : undefined;
          return [...(node?.get(RRType.A) ?? []), ...(node?.get(RRType.AAAA) ?? [])];
        });
        return { kind: 'referral', ns, glue };
      }
      if (dname) return synthesize(dname, name);
    }
    return undefined;
  }

  private closestEncloser(name: Name): Name {
    let at = parentOf(name);
    while (at !== undefined && at !== this.origin && !this.below.has(at)) at = parentOf(at);
    return at ?? this.origin;
  }
}

/** RFC 6672 §2.2: the owner's part of `name` replaced by the DNAME's target, as a CNAME with the DNAME's TTL. */
function synthesize(dname: ResourceRecord, name: Name): Lookup {
  const prefix = dname.name === '' ? name : name.slice(0, name.length - dname.name.length - 1);
  const targetOfDname = nameFromWire(dname.rdata).name;
  const target = targetOfDname === '' ? prefix : `${prefix}.${targetOfDname}`;
  const rdata = nameToWire(target);
  if (rdata.length > MAX_NAME_WIRE) return { kind: 'yxdomain', dname };
  return { kind: 'dname', dname, cname: { name, type: RRType.CNAME, class: RRClass.IN, ttl: dname.ttl, rdata }, target };
}

/** `name` and its ancestors below the apex `origin`. */
function* ancestry(name: Name, origin: Name): IterableIterator<Name> {
  for (let at: Name | undefined = name; at !== undefined && at !== origin; at = parentOf(at)) yield at;
}

/** Why `record` cannot be in the zone `origin`, if it cannot. */
function recordProblem(origin: Name, record: ResourceRecord): string | undefined {
  if (!isAtOrBelow(record.name, origin)) return `${record.name || '.'} is outside the zone ${origin}`;
  if (!readableRdata(record)) return `${record.name} has a malformed ${record.type === RRType.SOA ? 'SOA' : 'name'} in its record data`;
  return undefined;
}

/** The zone itself reads the RDATA of SOA, CNAME, DNAME and NS records (written
 *  as RFC 3597 `\#` bytes, it could be anything): check it once at load. */
function readableRdata(record: ResourceRecord): boolean {
  if (record.type !== RRType.SOA && record.type !== RRType.CNAME && record.type !== RRType.DNAME && record.type !== RRType.NS) return true;
  try {
    const first = nameFromWire(record.rdata);
    if (record.type !== RRType.SOA) return first.end === record.rdata.length;
    return nameFromWire(record.rdata, first.end).end + 20 === record.rdata.length;
  } catch {
    return false;
  }
}
