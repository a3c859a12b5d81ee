// The TSIG RR (RFC 8945 §4.2) and the "TSIG variables" its MAC covers
// (§4.3.3). Names are written uncompressed and in canonical lowercase form
// (RFC 3597 §4 forbids compressing the algorithm name; RFC 8945 §4.3.3 wants
// both names canonical in the digest).
import { nameFromWire, nameToWire, NameError } from '../name.ts';
import { MalformedMessage, MessageReader } from '../reader.ts';
import { RRClass, RRType, type Name } from '../record.ts';

/** TSIG error codes (RFC 8945 §3, the IANA "DNS RCODEs" registry). */
export const TsigError = { NOERROR: 0, BADSIG: 16, BADKEY: 17, BADTIME: 18, BADTRUNC: 22 } as const;

export interface TsigRecord {
  readonly keyName: Name;
  readonly algorithm: Name;
  /** Seconds since the epoch, 48 bits on the wire. */
  readonly timeSigned: number;
  readonly fudge: number;
  readonly mac: Uint8Array;
  readonly originalId: number;
  readonly error: number;
  readonly otherData: Uint8Array;
}

export function u16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value);
  return bytes;
}

export function u48(value: number): Buffer {
  const bytes = Buffer.alloc(6);
  bytes.writeUIntBE(value, 0, 6);
  return bytes;
}

const ZERO_TTL = Buffer.alloc(4);

/** The whole RR: owner, TYPE TSIG, CLASS ANY, TTL 0 (RFC 8945 §4.2), RDATA. */
export function encodeTsigRecord(tsig: TsigRecord): Uint8Array {
  const rdata = Buffer.concat([
    nameToWire(tsig.algorithm),
    u48(tsig.timeSigned),
    u16(tsig.fudge),
    u16(tsig.mac.length),
    tsig.mac,
    u16(tsig.originalId),
    u16(tsig.error),
    u16(tsig.otherData.length),
    tsig.otherData,
  ]);
  return Buffer.concat([nameToWire(tsig.keyName), u16(RRType.TSIG), u16(RRClass.ANY), ZERO_TTL, u16(rdata.length), rdata]);
}

/** RFC 8945 §4.3.3: the TSIG fields the MAC covers (no MAC, no Original ID). */
export function tsigVariables(tsig: TsigRecord): Uint8Array {
  return Buffer.concat([
    nameToWire(tsig.keyName),
    u16(RRClass.ANY),
    ZERO_TTL,
    nameToWire(tsig.algorithm),
    u48(tsig.timeSigned),
    u16(tsig.fudge),
    u16(tsig.error),
    u16(tsig.otherData.length),
    tsig.otherData,
  ]);
}

/** Reads TSIG RDATA; throws MalformedMessage when it does not add up. */
export function decodeTsigRdata(keyName: Name, rdata: Uint8Array): TsigRecord {
  let algorithm: Name;
  let end: number;
  try {
    ({ name: algorithm, end } = nameFromWire(rdata));
  } catch (error) {
    if (error instanceof NameError) throw new MalformedMessage('bad algorithm name in TSIG');
    throw error;
  }
  const reader = new MessageReader(rdata, end);
  const timeSigned = reader.u16() * 2 ** 32 + reader.u32();
  const fudge = reader.u16();
  const mac = bytesOf(reader, rdata, reader.u16());
  const originalId = reader.u16();
  const error = reader.u16();
  const otherData = bytesOf(reader, rdata, reader.u16());
  if (!reader.done) throw new MalformedMessage('TSIG RDATA longer than its fields');
  return { keyName, algorithm, timeSigned, fudge, mac, originalId, error, otherData };
}

function bytesOf(reader: MessageReader, bytes: Uint8Array, length: number): Uint8Array {
  const start = reader.offset;
  reader.skip(length);
  // A copy, and a plain Uint8Array: Buffer#slice would be a view into the message.
  return new Uint8Array(bytes.subarray(start, start + length));
}
