// Where a TSIG RR sits in a message, and the message as it was before it
// was signed: the bytes in front of the TSIG, with the original ID put back
// and ARCOUNT counting one record less (RFC 8945 §4.3.2).
import { MalformedMessage, MessageReader } from '../reader.ts';
import { RRClass, RRType } from '../record.ts';
import { decodeTsigRdata, encodeTsigRecord, u16, type TsigRecord } from './record.ts';

const ARCOUNT_AT = 10;

export type SplitMessage = { readonly kind: 'unsigned' } | { readonly kind: 'signed'; readonly tsig: TsigRecord; readonly unsigned: Uint8Array };

/** Finds the TSIG RR; throws MalformedMessage when the message cannot be
 *  walked or the TSIG is misplaced (RFC 8945 §5.2: FORMERR). */
export function splitTsig(message: Uint8Array): SplitMessage {
  const reader = new MessageReader(message);
  reader.skip(4);
  const questions = reader.u16();
  const records = reader.u16() + reader.u16();
  const additional = reader.u16();
  for (let i = 0; i < questions; i++) reader.question();
  const last = records + additional - 1;
  let found: { readonly start: number; readonly tsig: TsigRecord } | undefined;
  for (let i = 0; i <= last; i++) {
    const start = reader.offset;
    const record = reader.record();
    if (record.type !== RRType.TSIG) continue;
    // RFC 8945 §5.2: the TSIG is the last record of the additional
    // section, so there is at most one.
    if (i !== last || additional === 0) throw new MalformedMessage('TSIG is not the last record of the additional section');
    // RFC 8945 §4.2: CLASS MUST be ANY, TTL MUST be 0.
    if (record.class !== RRClass.ANY || record.ttl !== 0) throw new MalformedMessage('TSIG with a class other than ANY or a TTL other than 0');
    found = { start, tsig: decodeTsigRdata(record.name, record.rdata) };
  }
  if (!reader.done) throw new MalformedMessage('bytes after the last record');
  if (!found) return { kind: 'unsigned' };
  const unsigned = Buffer.from(message.subarray(0, found.start));
  unsigned.writeUInt16BE(found.tsig.originalId, 0);
  unsigned.writeUInt16BE(additional - 1, ARCOUNT_AT);
  return { kind: 'signed', tsig: found.tsig, unsigned };
}

/** `message` with `tsig` appended as the last additional record. */
export function appendTsig(message: Uint8Array, tsig: TsigRecord): Uint8Array {
  const additional = (message[ARCOUNT_AT]! << 8) | message[ARCOUNT_AT + 1]!;
  const signed = Buffer.concat([message, encodeTsigRecord(tsig)]);
  signed.set(u16(additional + 1), ARCOUNT_AT);
  return new Uint8Array(signed.buffer, signed.byteOffset, signed.length);
}
