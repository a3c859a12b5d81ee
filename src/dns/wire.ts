// The hot path's wire format: a hand-written parser for the header, the
// question and the OPT record of a query (no full decode, no allocation of
// records), and an encoder that assembles responses from stored RDATA.
// Every read is bounds-checked: a malformed packet yields a verdict, never an
// exception and never a loop.
import { labelBytes, labelsOf, labelText, MAX_LABEL, MAX_NAME_WIRE } from './name.ts';
import { Opcode, Rcode, type Edns, type Query, type Response, type TtlAdjustment } from './message.ts';
import { RRClass, RRType, type ResourceRecord } from './record.ts';

const HEADER = 12;
/** What hearth advertises and the most it sends over UDP: the DNS flag day 2020 size. */
export const EDNS_UDP_SIZE = 1232;
const CLASSIC_UDP_SIZE = 512; // RFC 1035 §4.2.1
const EMPTY = new Uint8Array(0);

export type Parsed =
  | { readonly kind: 'query'; readonly query: Query }
  /** Signed with TSIG (RFC 8945): to be verified, answered and signed. */
  | { readonly kind: 'signed'; readonly query: Query }
  /** Answer with an error and no records; `query` carries what could be read. */
  | { readonly kind: 'error'; readonly rcode: number; readonly query: Query }
  /** Not worth an answer: too short to carry an ID, or a response (QR=1). */
  | { readonly kind: 'drop'; readonly reason: string };

/** Reads a question name with no compression (a query's question has nothing
 *  before it to point at). Returns the canonical name and the end offset. */
function readQuestionName(buf: Uint8Array, offset: number): { name: string; end: number } | undefined {
  let name = '';
  let at = offset;
  for (;;) {
    if (at >= buf.length) return undefined;
    const length = buf[at]!;
    if (length === 0) return { name, end: at + 1 };
    if (length > MAX_LABEL || at + 1 + length > buf.length || at + 1 + length - offset >= MAX_NAME_WIRE) return undefined;
    const label = labelText(buf, at + 1, at + 1 + length);
    name = name === '' ? label : `${name}.${label}`;
    at += 1 + length;
  }
}

/** Skips a possibly compressed name in a record; pointers are not followed
 *  because only the end offset is needed, so no loop can form. */
function skipName(buf: Uint8Array, offset: number): number | undefined {
  let at = offset;
  while (at < buf.length) {
    const length = buf[at]!;
    if (length === 0) return at + 1;
    if ((length & 0xc0) === 0xc0) return at + 2 <= buf.length ? at + 2 : undefined;
    if (length > 63) return undefined;
    at += 1 + length;
  }
  return undefined;
}

function readU16(buf: Uint8Array, at: number): number {
  return (buf[at]! << 8) | buf[at + 1]!;
}

export function parseQuery(buf: Uint8Array): Parsed {
  if (buf.length < HEADER) return { kind: 'drop', reason: 'shorter than a DNS header' };
  const flags = readU16(buf, 2);
  if (flags & 0x8000) return { kind: 'drop', reason: 'a response (QR=1), not a query' };
  const base: Query = {
    id: readU16(buf, 0),
    opcode: (flags >> 11) & 0xf,
    recursionDesired: (flags & 0x0100) !== 0,
    checkingDisabled: (flags & 0x0010) !== 0,
    name: '',
    type: 0,
    class: 0,
    question: EMPTY,
    edns: undefined,
  };
  const qname = readU16(buf, 4) === 1 ? readQuestionName(buf, HEADER) : undefined;
  if (!qname || qname.end + 4 > buf.length) {
    return { kind: 'error', rcode: base.opcode === Opcode.QUERY ? Rcode.FORMERR : Rcode.NOTIMP, query: base };
  }
  const edns = readEdns(buf, qname.end + 4, readU16(buf, 6) + readU16(buf, 8), readU16(buf, 10));
  const query: Query = {
    id: base.id,
    opcode: base.opcode,
    recursionDesired: base.recursionDesired,
    checkingDisabled: base.checkingDisabled,
    name: qname.name,
    type: readU16(buf, qname.end),
    class: readU16(buf, qname.end + 2),
    question: buf.subarray(HEADER, qname.end + 4),
    edns: edns === 'formerr' || edns === 'signed' ? undefined : edns,
  };
  if (edns === 'signed') return { kind: 'signed', query };
  const error = (rcode: number): Parsed => ({ kind: 'error', rcode, query });
  if (edns === 'formerr') return error(Rcode.FORMERR);
  // RFC 6891 §7: even a refusal echoes the question and carries an OPT.
  if (query.opcode !== Opcode.QUERY) return error(Rcode.NOTIMP);
  // RFC 6891 §6.1.3: an unknown EDNS version gets BADVERS, with our version 0.
  if (edns && edns.version > 0) return error(Rcode.BADVERS);
  if (query.class !== RRClass.IN && query.class !== RRClass.ANY) return error(Rcode.NOTIMP);
  // Meta types that are not questions (RFC 6895 §3.1): OPT, TSIG and friends.
  if (query.type === RRType.OPT || (query.type >= 128 && query.type <= 250)) return error(Rcode.FORMERR);
  // Zone transfers are not offered.
  if (query.type === RRType.AXFR || query.type === RRType.IXFR) return error(Rcode.REFUSED);
  return { kind: 'query', query };
}

/** Finds the OPT record among the additional records (RFC 6891 §6.1.1: at
 *  most one, owned by the root). Answer and authority records are skipped. */
function readEdns(buf: Uint8Array, offset: number, skip: number, additional: number): Edns | undefined | 'formerr' | 'signed' {
  let at = offset;
  let edns: Edns | undefined;
  for (let i = 0; i < skip + additional; i++) {
    const owner = at;
    const nameEnd = skipName(buf, at);
    if (nameEnd === undefined || nameEnd + 10 > buf.length) return 'formerr';
    const type = readU16(buf, nameEnd);
    const rdlength = readU16(buf, nameEnd + 8);
    const end = nameEnd + 10 + rdlength;
    if (end > buf.length) return 'formerr';
    // The TSIG module checks the rest (that it is the last record, RFC 8945 §5.1).
    if (type === RRType.TSIG && i >= skip) return 'signed';
    if (type === RRType.OPT) {
      if (i < skip || edns || buf[owner] !== 0) return 'formerr';
      edns = {
        udpSize: readU16(buf, nameEnd + 2),
        version: buf[nameEnd + 5]!,
        dnssecOk: (buf[nameEnd + 6]! & 0x80) !== 0,
      };
    }
    at = end;
  }
  return edns;
}

/** The largest response the client can take over this transport. */
export function responseLimit(query: Query, transport: 'udp' | 'tcp'): number {
  if (transport === 'tcp') return 65535;
  if (!query.edns) return CLASSIC_UDP_SIZE;
  return Math.min(Math.max(query.edns.udpSize, CLASSIC_UDP_SIZE), EDNS_UDP_SIZE);
}

/** The answer, authority and additional sections of a response, encoded for
 *  one question name; kept with the Response so repeated answers for that
 *  name are sent from these bytes (the fast path). */
interface PreparedSections {
  readonly qname: string;
  readonly authority: readonly ResourceRecord[];
  readonly additional: readonly ResourceRecord[];
  readonly bytes: Uint8Array;
  readonly counts: readonly [number, number, number];
  /** Where each record's TTL sits in `bytes`, for cached and stale answers. */
  readonly ttlOffsets: readonly number[];
}

const prepared = new WeakMap<object, PreparedSections>();

/** Copies of a response made with spread (a cached answer with its age)
 *  share their record arrays, so the arrays identify the prepared bytes. */
function memoKey(response: Response): object {
  if (response.answer.length > 0) return response.answer;
  if (response.authority.length > 0) return response.authority;
  return response;
}

function preparedFor(query: Query, response: Response): PreparedSections {
  const key = memoKey(response);
  const sections = prepared.get(key);
  if (sections?.qname === query.name && sections.authority === response.authority && sections.additional === response.additional) {
    return sections;
  }
  const fresh = prepareSections(query, response);
  prepared.set(key, fresh);
  return fresh;
}

export function encodeResponse(query: Query, response: Response, limit: number): Uint8Array {
  const sections = preparedFor(query, response);
  const opt = query.edns ? encodeOpt(query, response) : undefined;
  const optLength = opt?.length ?? 0;
  const fits = HEADER + query.question.length + sections.bytes.length + optLength <= limit;
  // RFC 2181 §9: when the records do not fit, send none and set TC so the
  // client retries over TCP.
  const body = fits ? sections.bytes : new Uint8Array(0);
  const out = new Uint8Array(HEADER + query.question.length + body.length + optLength);
  writeHeader(out, query, response, fits ? sections.counts : [0, 0, 0], !fits, opt !== undefined);
  out.set(query.question, HEADER);
  out.set(body, HEADER + query.question.length);
  if (opt) out.set(opt, out.length - optLength);
  if (response.ttls && fits) adjustTtls(out, HEADER + query.question.length, sections.ttlOffsets, response.ttls);
  return out;
}

function adjustTtls(out: Uint8Array, start: number, offsets: readonly number[], adjustment: TtlAdjustment): void {
  // By hand rather than through a DataView: this runs on every cache hit.
  for (const offset of offsets) {
    const at = start + offset;
    const ttl = ((out[at]! << 24) | (out[at + 1]! << 16) | (out[at + 2]! << 8) | out[at + 3]!) >>> 0;
    const value = 'fixed' in adjustment ? adjustment.fixed : Math.max(0, ttl - adjustment.minus);
    out[at] = value >>> 24;
    out[at + 1] = (value >>> 16) & 0xff;
    out[at + 2] = (value >>> 8) & 0xff;
    out[at + 3] = value & 0xff;
  }
}

function writeHeader(out: Uint8Array, query: Query, response: Response, counts: readonly [number, number, number], truncated: boolean, withOpt: boolean): void {
  const rcode = response.rcode & 0xf;
  out[0] = query.id >> 8;
  out[1] = query.id & 0xff;
  out[2] = 0x80 | (query.opcode << 3) | (response.authoritative ? 0x04 : 0) | (truncated ? 0x02 : 0) | (query.recursionDesired ? 0x01 : 0);
  out[3] = 0x80 /* RA */ | (response.authenticData ? 0x20 : 0) | (query.checkingDisabled ? 0x10 : 0) | rcode;
  const qdcount = query.question.length > 0 ? 1 : 0;
  const values = [qdcount, counts[0], counts[1], counts[2] + (withOpt ? 1 : 0)];
  values.forEach((value, i) => {
    out[4 + i * 2] = value >> 8;
    out[5 + i * 2] = value & 0xff;
  });
}

/** OPT pseudo-record (RFC 6891 §6.1.2): our UDP size, the extended RCODE,
 *  the DO bit echoed (RFC 3225 §3), and any options such as EDE. */
function encodeOpt(query: Query, response: Response): Uint8Array {
  const options = response.ednsOptions ?? [];
  const optionsLength = options.reduce((sum, o) => sum + 4 + o.data.length, 0);
  const out = new Uint8Array(11 + optionsLength);
  out[2] = RRType.OPT;
  out[3] = EDNS_UDP_SIZE >> 8;
  out[4] = EDNS_UDP_SIZE & 0xff;
  out[5] = response.rcode >> 4;
  out[7] = query.edns?.dnssecOk ? 0x80 : 0;
  out[9] = optionsLength >> 8;
  out[10] = optionsLength & 0xff;
  let at = 11;
  for (const option of options) {
    out[at] = option.code >> 8;
    out[at + 1] = option.code & 0xff;
    out[at + 2] = option.data.length >> 8;
    out[at + 3] = option.data.length & 0xff;
    out.set(option.data, at + 4);
    at += 4 + option.data.length;
  }
  return out;
}

function prepareSections(query: Query, response: Response): PreparedSections {
  const writer = new SectionWriter(query);
  for (const record of response.answer) writer.record(record);
  for (const record of response.authority) writer.record(record);
  for (const record of response.additional) writer.record(record);
  return {
    qname: query.name,
    authority: response.authority,
    additional: response.additional,
    bytes: writer.bytes(),
    counts: [response.answer.length, response.authority.length, response.additional.length],
    ttlOffsets: writer.ttlOffsets,
  };
}

/** Writes records after the question, compressing owner names against the
 *  question name and earlier owners (RFC 1035 §4.1.4). RDATA is copied as
 *  stored: names inside it stay uncompressed, which RFC 3597 §4 allows. */
class SectionWriter {
  private buffer = new Uint8Array(512);
  private length = 0;
  private readonly start: number;
  private readonly offsets = new Map<string, number>();
  readonly ttlOffsets: number[] = [];

  constructor(query: Query) {
    this.start = HEADER + query.question.length;
    // Suffixes of the question name point into the question the client sent.
    const labels = labelsOf(query.name);
    let at = HEADER;
    labels.forEach((_, i) => {
      this.offsets.set(labels.slice(i).join('.'), at);
      at += 1 + query.question[at - HEADER]!;
    });
  }

  record(record: ResourceRecord): void {
    this.name(record.name);
    this.reserve(10 + record.rdata.length);
    const b = this.buffer;
    let at = this.length;
    this.ttlOffsets.push(at + 4);
    b[at++] = record.type >> 8;
    b[at++] = record.type & 0xff;
    b[at++] = record.class >> 8;
    b[at++] = record.class & 0xff;
    b[at++] = record.ttl >>> 24;
    b[at++] = (record.ttl >>> 16) & 0xff;
    b[at++] = (record.ttl >>> 8) & 0xff;
    b[at++] = record.ttl & 0xff;
    b[at++] = record.rdata.length >> 8;
    b[at++] = record.rdata.length & 0xff;
    b.set(record.rdata, at);
    this.length = at + record.rdata.length;
  }

  bytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private name(name: string): void {
    const labels = labelsOf(name);
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.');
      const pointer = this.offsets.get(suffix);
      if (pointer !== undefined) {
        this.reserve(2);
        this.buffer[this.length++] = 0xc0 | (pointer >> 8);
        this.buffer[this.length++] = pointer & 0xff;
        return;
      }
      const here = this.start + this.length;
      if (here < 0x4000) this.offsets.set(suffix, here);
      const bytes = labelBytes(labels[i]!);
      this.reserve(1 + bytes.length);
      this.buffer[this.length++] = bytes.length;
      this.buffer.set(bytes, this.length);
      this.length += bytes.length;
    }
    this.reserve(1);
    this.buffer[this.length++] = 0;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}
