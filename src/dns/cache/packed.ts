// Cached answers kept as one byte array each rather than as record objects:
// on V8 a record object with its own small RDATA Uint8Array costs about 300
// bytes of heap, the same record packed costs its wire size. An entry is
// unpacked into a Response only while it is being answered from (the cache's
// hot set), which keeps 50,000 entries well under 40 MB.
import type { Response } from '../message.ts';
import { nameFromWire, nameToWire } from '../name.ts';
import type { ResourceRecord } from '../record.ts';

/** rcode u16, flags u8 (AA, AD), then the three section counts u16 each. */
const HEADER = 9;
const AA = 1;
const AD = 2;
/** In place of an owner name: the previous record's owner (RRsets share one).
 *  No name on the wire starts with 0xff: a label is at most 63 octets. */
const SAME_OWNER = 0xff;

export const Section = { ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 2 } as const;

const NONE: readonly ResourceRecord[] = [];

/** Packs a response's flags and records, each record's TTL given by `ttlOf`.
 *  EDNS options are left out: OPT data is never cached (RFC 6891 §6.1.1). */
export function pack(response: Response, ttlOf: (record: ResourceRecord, section: number) => number): Uint8Array {
  const sections = [response.answer, response.authority, response.additional];
  const owners: (Uint8Array | undefined)[] = [];
  let length = HEADER;
  let previous: string | undefined;
  for (const record of sections.flat()) {
    const owner = record.name === previous ? undefined : nameToWire(record.name);
    owners.push(owner);
    length += (owner?.length ?? 1) + 10 + record.rdata.length;
    previous = record.name;
  }
  const out = new Uint8Array(length);
  writeU16(out, 0, response.rcode);
  out[2] = (response.authoritative ? AA : 0) | (response.authenticData ? AD : 0);
  sections.forEach((records, i) => writeU16(out, 3 + i * 2, records.length));
  let at = HEADER;
  let index = 0;
  sections.forEach((records, section) => {
    for (const record of records) {
      const owner = owners[index++];
      if (owner) out.set(owner, at);
      else out[at] = SAME_OWNER;
      at += owner?.length ?? 1;
      writeU16(out, at, record.type);
      writeU16(out, at + 2, record.class);
      const ttl = ttlOf(record, section);
      writeU16(out, at + 4, ttl >>> 16);
      writeU16(out, at + 6, ttl & 0xffff);
      writeU16(out, at + 8, record.rdata.length);
      out.set(record.rdata, at + 10);
      at += 10 + record.rdata.length;
    }
  });
  return out;
}

/** The packed answer as a Response (source 'cache'); RDATA are views into `packed`. */
export function unpack(packed: Uint8Array): Response {
  let at = HEADER;
  let owner = '';
  const section = (count: number): readonly ResourceRecord[] => {
    if (count === 0) return NONE;
    const records: ResourceRecord[] = [];
    for (let i = 0; i < count; i++) {
      if (packed[at] === SAME_OWNER) at++;
      else ({ name: owner, end: at } = nameFromWire(packed, at));
      const rdlength = readU16(packed, at + 8);
      records.push({
        name: owner,
        type: readU16(packed, at),
        class: readU16(packed, at + 2),
        ttl: readU16(packed, at + 4) * 0x10000 + readU16(packed, at + 6),
        rdata: packed.subarray(at + 10, at + 10 + rdlength),
      });
      at += 10 + rdlength;
    }
    return records;
  };
  const flags = packed[2]!;
  return {
    rcode: readU16(packed, 0),
    authoritative: (flags & AA) !== 0,
    authenticData: (flags & AD) !== 0,
    answer: section(readU16(packed, 3)),
    authority: section(readU16(packed, 5)),
    additional: section(readU16(packed, 7)),
    source: 'cache',
  };
}

// By hand rather than through a DataView: asking a small Uint8Array for its
// .buffer makes V8 move its bytes into an ArrayBuffer of their own, which
// costs more than the arithmetic.
function writeU16(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 8;
  out[at + 1] = value & 0xff;
}

function readU16(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}
