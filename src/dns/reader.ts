// Reads whole DNS messages (RFC 1035 §4.1): names with compression, and
// records whose RDATA names are written out in full so they can be stored
// and re-encoded anywhere. Every read is bounds-checked and throws
// MalformedMessage; no pointer can loop.
import { labelText, nameToWire } from './name.ts';
import { RRType, type Name, type ResourceRecord } from './record.ts';

export class MalformedMessage extends Error {}

/** Types whose RDATA may hold compressed names (RFC 3597 §4: those of RFC
 *  1035, plus SRV whose servers compress despite RFC 2782): the layout is
 *  the bytes before the name(s), and how many names follow. */
const NAMES_IN_RDATA = new Map<number, { readonly before: number; readonly names: number; readonly after: number }>([
  [RRType.NS, { before: 0, names: 1, after: 0 }],
  [RRType.CNAME, { before: 0, names: 1, after: 0 }],
  [RRType.PTR, { before: 0, names: 1, after: 0 }],
  [RRType.DNAME, { before: 0, names: 1, after: 0 }],
  [RRType.MX, { before: 2, names: 1, after: 0 }],
  [RRType.SRV, { before: 6, names: 1, after: 0 }],
  [RRType.SOA, { before: 0, names: 2, after: 20 }],
  // The rest of RFC 1035's types with names: MD, MF, MB, MG, MR, MINFO.
  [3, { before: 0, names: 1, after: 0 }],
  [4, { before: 0, names: 1, after: 0 }],
  [7, { before: 0, names: 1, after: 0 }],
  [8, { before: 0, names: 1, after: 0 }],
  [9, { before: 0, names: 1, after: 0 }],
  [14, { before: 0, names: 2, after: 0 }],
]);

export class MessageReader {
  private readonly bytes: Uint8Array;
  private at = 0;

  constructor(bytes: Uint8Array, at = 0) {
    this.bytes = bytes;
    this.at = at;
  }

  /** Where the next read starts. */
  get offset(): number {
    return this.at;
  }

  /** True when every byte has been read. */
  get done(): boolean {
    return this.at === this.bytes.length;
  }

  skip(count: number): void {
    if (this.at + count > this.bytes.length) throw new MalformedMessage('message ends early');
    this.at += count;
  }

  u16(): number {
    this.skip(2);
    return (this.bytes[this.at - 2]! << 8) | this.bytes[this.at - 1]!;
  }

  u32(): number {
    return ((this.u16() << 16) | this.u16()) >>> 0;
  }

  /** A possibly compressed name (RFC 1035 §4.1.4); every pointer must go
   *  backwards, so a loop is impossible. */
  name(): Name {
    const labels: string[] = [];
    let at = this.at;
    let end: number | undefined;
    let length = 1;
    for (;;) {
      const size = this.bytes[at];
      if (size === undefined) throw new MalformedMessage('name runs past the message');
      if (size === 0) break;
      if ((size & 0xc0) === 0xc0) {
        const target = ((size & 0x3f) << 8) | (this.bytes[at + 1] ?? 0xff);
        if (at + 1 >= this.bytes.length || target >= at) throw new MalformedMessage('bad compression pointer');
        end ??= at + 2;
        at = target;
        continue;
      }
      if (size > 63 || at + 1 + size > this.bytes.length) throw new MalformedMessage('bad label');
      length += size + 1;
      if (length > 255) throw new MalformedMessage('name longer than 255 octets');
      labels.push(labelText(this.bytes, at + 1, at + 1 + size));
      at += 1 + size;
    }
    this.at = end ?? at + 1;
    return labels.join('.');
  }

  records(count: number): ResourceRecord[] {
    const records: ResourceRecord[] = [];
    for (let i = 0; i < count; i++) records.push(this.record());
    return records;
  }

  record(): ResourceRecord {
    const name = this.name();
    const type = this.u16();
    const klass = this.u16();
    const ttl = this.u32();
    const rdlength = this.u16();
    const start = this.at;
    this.skip(rdlength);
    // RFC 2181 §8: a TTL with the top bit set is read as zero.
    const effectiveTtl = type === RRType.OPT || ttl <= 0x7fffffff ? ttl : 0;
    return { name, type, class: klass, ttl: effectiveTtl, rdata: this.rdata(type, start, rdlength) };
  }

  /** A question entry (RFC 1035 §4.1.2), which RFC 2136 §2.3 reuses as the zone section. */
  question(): { readonly name: Name; readonly type: number; readonly class: number } {
    return { name: this.name(), type: this.u16(), class: this.u16() };
  }

  /** RDATA with any compressed names written out in full. */
  private rdata(type: number, start: number, length: number): Uint8Array {
    const layout = NAMES_IN_RDATA.get(type);
    // Empty RDATA is legal for any type in RFC 2136 §2.4 and §2.5's class
    // ANY and NONE records ("delete this RRset"), so it is never parsed.
    // A copy, never a view: a Buffer's slice() shares the socket's memory,
    // and the record may be kept (cache, zone, journal) long after it.
    if (!layout || length === 0) return Uint8Array.prototype.slice.call(this.bytes, start, start + length);
    const resume = this.at;
    this.at = start + layout.before;
    const names: Uint8Array[] = [];
    for (let i = 0; i < layout.names; i++) names.push(nameToWire(this.name()));
    if (this.at + layout.after !== start + length) throw new MalformedMessage(`malformed ${type} record`);
    this.at = resume;
    const out = new Uint8Array(layout.before + names.reduce((sum, n) => sum + n.length, 0) + layout.after);
    out.set(this.bytes.subarray(start, start + layout.before), 0);
    let at = layout.before;
    for (const name of names) {
      out.set(name, at);
      at += name.length;
    }
    out.set(this.bytes.subarray(start + length - layout.after, start + length), at);
    return out;
  }
}
