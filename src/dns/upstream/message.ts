// The messages hearth exchanges with upstreams: the query it sends (built
// from the question alone, so nothing of the client's leaks: no client
// subnet, no cookies) and the reply, read into records whose RDATA names are
// decompressed so they can be cached and re-encoded anywhere.
import { nameToWire } from '../name.ts';
import { Rcode, type EdnsOption, type Response } from '../message.ts';
import { RRClass, RRType, type Name, type ResourceRecord } from '../record.ts';
import { MessageReader } from '../reader.ts';
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

/** Extended DNS Errors (RFC 8914) are worth passing on; other options are per hop. */
const EDE = 15;

/** Reads an upstream reply into a Response tagged `source`. Throws MalformedMessage. */
export function parseReply(bytes: Uint8Array, source: `upstream:${string}`): Response {
  const reader = new MessageReader(bytes);
  reader.skip(2);
  const flags = reader.u16();
  const counts = [reader.u16(), reader.u16(), reader.u16(), reader.u16()] as const;
  for (let i = 0; i < counts[0]; i++) {
    reader.name();
    reader.skip(4);
  }
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
    rcode,
    authoritative: false,
    answer,
    authority,
    additional,
    source,
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
