// The UPDATE message (RFC 2136 §2): the header's four counts name the zone,
// prerequisite, update and additional sections. Read with MessageReader,
// which leaves the empty RDATA of class ANY and NONE records empty (§2.4,
// §2.5) where general-purpose codecs try to parse it.
import { MalformedMessage, MessageReader } from '../reader.ts';
import { Opcode } from '../message.ts';
import { nameToWire } from '../name.ts';
import { RRClass, RRType, type Name, type ResourceRecord } from '../record.ts';

export interface UpdateMessage {
  readonly id: number;
  readonly zone: Name;
  readonly prerequisites: readonly ResourceRecord[];
  readonly updates: readonly ResourceRecord[];
}

export type DecodedUpdate =
  | { readonly kind: 'update'; readonly message: UpdateMessage }
  /** Answer FORMERR, echoing the zone when it could be read. */
  | { readonly kind: 'formerr'; readonly id: number; readonly zone?: Name };

/** True for a request (QR=0) with the UPDATE opcode, read from the header alone. */
export function isUpdate(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && (bytes[2]! & 0x80) === 0 && ((bytes[2]! >> 3) & 0xf) === Opcode.UPDATE;
}

export function decodeUpdate(bytes: Uint8Array): DecodedUpdate {
  const id = (bytes[0]! << 8) | bytes[1]!;
  const reader = new MessageReader(bytes, 4);
  let zone: Name | undefined;
  try {
    const [zones, prerequisites, updates, additional] = [reader.u16(), reader.u16(), reader.u16(), reader.u16()];
    // RFC 2136 §3.1.1: exactly one zone, named by an SOA "question".
    if (zones !== 1) return { kind: 'formerr', id };
    const question = reader.question();
    if (question.type !== RRType.SOA || question.class !== RRClass.IN) return { kind: 'formerr', id };
    zone = question.name;
    const message = { id, zone, prerequisites: reader.records(prerequisites), updates: reader.records(updates) };
    reader.records(additional);
    if (!reader.done) return { kind: 'formerr', id, zone };
    return { kind: 'update', message };
  } catch (error) {
    if (error instanceof MalformedMessage) return { kind: 'formerr', id, ...(zone === undefined ? {} : { zone }) };
    throw error;
  }
}

/** RFC 2136 §3.8: the response echoes the zone section; the other sections may be empty. */
export function encodeUpdateResponse(id: number, rcode: number, zone?: Name): Uint8Array {
  const question = zone === undefined ? new Uint8Array(0) : Uint8Array.from([...nameToWire(zone), 0, RRType.SOA, 0, RRClass.IN]);
  const out = new Uint8Array(12 + question.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, id);
  view.setUint16(2, 0x8000 | (Opcode.UPDATE << 11) | (rcode & 0xf));
  view.setUint16(4, zone === undefined ? 0 : 1);
  out.set(question, 12);
  return out;
}

/** An error answer to a query: its header and question (RFC 1035 §4.1.1),
 *  nothing else; the header alone when the question cannot be read. */
export function queryError(query: Uint8Array, rcode: number): Uint8Array {
  let end = 12;
  try {
    const reader = new MessageReader(query, 12);
    if (((query[4]! << 8) | query[5]!) === 1) reader.question();
    end = reader.offset;
  } catch (error) {
    if (!(error instanceof MalformedMessage)) throw error;
  }
  const out = query.slice(0, end);
  out[2] = (out[2]! | 0x80) & ~0x02; // QR, not TC
  out[3] = (out[3]! & 0xf0) | (rcode & 0xf);
  out.fill(0, 4, 12);
  out[5] = end > 12 ? 1 : 0;
  return out;
}
