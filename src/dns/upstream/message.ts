// The messages hearth exchanges with upstreams: the query it sends (built
// from the question alone, so nothing of the client's leaks: no client
// subnet, no cookies) and the reply, read into records whose RDATA names are
// decompressed so they can be cached and re-encoded anywhere.
import { labelText, nameToWire } from '../name.ts';
import { Rcode, type EdnsOption, type Response } from '../message.ts';
import { RRClass, RRType, type Name, type ResourceRecord } from '../record.ts';
import { EDNS_UDP_SIZE } from '../wire.ts';

export interface UpstreamQuestion {
  readonly name: Name;
  readonly type: number;
  readonly dnssecOk: boolean;
  readonly checkingDisabled: boolean;
}

/** RD set, CD and DO as the client asked (RFC 4035 §3.2.2, RFC 3225 §3); ID 0,
 *  the transport sets its own. */
export function buildQuery(question: UpstreamQuestion): Uint8Array {
  const qname = nameToWire(question.name);
  const out = new Uint8Array(12 + qname.length + 4 + 11);
  const view = new DataView(out.buffer);
  view.setUint16(2, 0x0100 | (question.checkingDisabled ? 0x0010 : 0));
  view.setUint16(4, 1);
  view.setUint16(10, 1);
  out.set(qname, 12);
  let at = 12 + qname.length;
  view.setUint16(at, question.type);
  view.setUint16(at + 2, RRClass.IN);
  at += 4;
  view.setUint16(at + 1, RRType.OPT);
  view.setUint16(at + 3, EDNS_UDP_SIZE);
  view.setUint16(at + 7, question.dnssecOk ? 0x8000 : 0);
  return out;
}

export class MalformedReply extends Error {}

/** Extended DNS Errors (RFC 8914) are worth passing on; other options are per hop. */
const EDE = 15;

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
]);

/** Reads an upstream reply into a Response tagged `source`. Throws MalformedReply. */
export function parseReply(bytes: Uint8Array, source: `upstream:${string}`): Response {
  const reader = new Reader(bytes);
  reader.skip(2);
  const flags = reader.u16();
  const counts = [reader.u16(), reader.u16(), reader.u16(), reader.u16()] as const;
  for (let i = 0; i < counts[0]; i++) { reader.name(); reader.skip(4); }
  const answer = reader.records(counts[1]);
  const authority = reader.records(counts[2]);
  const additional: ResourceRecord[] = [];
  let rcode = flags & 0xf;
  let ednsOptions: EdnsOption[] | undefined;
  for (const record of reader.records(counts[3])) {
    if (record.type === RRType.OPT) {
      // RFC 6891 §6.1.3: the OPT TTL's top byte extends the RCODE.
      rcode |= (record.ttl >>> 24) << 4;
      ednsOptions = optionsOf(record.rdata).filter((option) => option.code === EDE);
    } else if (record.type !== RRType.TSIG) additional.push(record);
  }
  return {
    rcode, authoritative: false, answer, authority, additional, source,
    authenticData: (flags & 0x0020) !== 0,
    ...(ednsOptions && ednsOptions.length > 0 ? { ednsOptions } : {}),
  };
}

/** True when the reply says TC (RFC 1035 §4.1.1): its records are incomplete. */
export function isTruncated(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && (bytes[2]! & 0x02) !== 0;
}

export function isServerFailure(response: Response): boolean {
  return response.rcode === Rcode.SERVFAIL || response.rcode === Rcode.REFUSED || response.rcode === Rcode.NOTIMP;
}

function optionsOf(rdata: Uint8Array): EdnsOption[] {
  const options: EdnsOption[] = [];
  for (let at = 0; at + 4 <= rdata.length;) {
    const code = (rdata[at]! << 8) | rdata[at + 1]!;
    const length = (rdata[at + 2]! << 8) | rdata[at + 3]!;
    options.push({ code, data: rdata.slice(at + 4, at + 4 + length) });
    at += 4 + length;
  }
  return options;
}

class Reader {
  private readonly bytes: Uint8Array;
  private at = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  skip(count: number): void {
    if (this.at + count > this.bytes.length) throw new MalformedReply('reply ends early');
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
      if (size === undefined) throw new MalformedReply('name runs past the reply');
      if (size === 0) break;
      if ((size & 0xc0) === 0xc0) {
        const target = ((size & 0x3f) << 8) | (this.bytes[at + 1] ?? 0xff);
        if (at + 1 >= this.bytes.length || target >= at) throw new MalformedReply('bad compression pointer');
        end ??= at + 2;
        at = target;
        continue;
      }
      if (size > 63 || at + 1 + size > this.bytes.length) throw new MalformedReply('bad label');
      length += size + 1;
      if (length > 255) throw new MalformedReply('name longer than 255 octets');
      labels.push(labelText(this.bytes, at + 1, at + 1 + size));
      at += 1 + size;
    }
    this.at = end ?? at + 1;
    return labels.join('.');
  }

  records(count: number): ResourceRecord[] {
    const records: ResourceRecord[] = [];
    for (let i = 0; i < count; i++) {
      const name = this.name();
      const type = this.u16();
      const klass = this.u16();
      const ttl = this.u32();
      const rdlength = this.u16();
      const start = this.at;
      this.skip(rdlength);
      // RFC 2181 §8: a TTL with the top bit set is read as zero.
      const effectiveTtl = type === RRType.OPT || ttl <= 0x7fffffff ? ttl : 0;
      records.push({ name, type, class: klass, ttl: effectiveTtl, rdata: this.rdata(type, start, rdlength) });
    }
    return records;
  }

  /** RDATA with any compressed names written out in full. */
  private rdata(type: number, start: number, length: number): Uint8Array {
    const layout = NAMES_IN_RDATA.get(type);
    if (!layout) return this.bytes.slice(start, start + length);
    const resume = this.at;
    this.at = start + layout.before;
    const names: Uint8Array[] = [];
    for (let i = 0; i < layout.names; i++) names.push(nameToWire(this.name()));
    if (this.at + layout.after !== start + length) throw new MalformedReply(`malformed ${type} record`);
    this.at = resume;
    const out = new Uint8Array(layout.before + names.reduce((sum, n) => sum + n.length, 0) + layout.after);
    out.set(this.bytes.subarray(start, start + layout.before), 0);
    let at = layout.before;
    for (const name of names) { out.set(name, at); at += name.length; }
    out.set(this.bytes.subarray(start + length - layout.after, start + length), at);
    return out;
  }
}

// Matching replies to queries, for every transport.

const HEADER = 12;

/** A copy of `message` with its ID set to `id`. */
export function withId(message: Uint8Array, id: number): Uint8Array {
  const copy = message.slice();
  copy[0] = id >> 8;
  copy[1] = id & 0xff;
  return copy;
}

/** Where the question of a query ends (the name is never compressed there). */
function questionEnd(query: Uint8Array): number | undefined {
  let at = HEADER;
  for (let length = query[at]; length !== 0; length = query[at]) {
    if (length === undefined || length > 63) return undefined;
    at += 1 + length;
  }
  return at + 5 <= query.length ? at + 5 : undefined;
}

/** ASCII lowercase of one byte (RFC 4343 §2: names compare case-insensitively). */
function lower(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
}

/** True when `reply` is a response (QR) to `query`: the same ID and one
 *  question with the same name (any case), type and class. */
export function isReplyTo(query: Uint8Array, reply: Uint8Array): boolean {
  const end = questionEnd(query);
  if (end === undefined || reply.length < end || (reply[2]! & 0x80) === 0) return false;
  if (reply[0] !== query[0] || reply[1] !== query[1] || reply[4] !== 0 || reply[5] !== 1) return false;
  for (let i = HEADER; i < end - 4; i++) if (lower(reply[i]!) !== lower(query[i]!)) return false;
  for (let i = end - 4; i < end; i++) if (reply[i] !== query[i]) return false;
  return true;
}
