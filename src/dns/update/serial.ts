// The SOA serial (RFC 1035 §3.3.13) and its arithmetic (RFC 1982).
import type { ResourceRecord } from '../record.ts';

/** The SERIAL field: the first of the five 32-bit numbers after the two names. */
export function serialOf(soa: ResourceRecord): number {
  const rdata = soa.rdata;
  return new DataView(rdata.buffer, rdata.byteOffset + rdata.length - 20, 4).getUint32(0);
}

export function withSerial(soa: ResourceRecord, serial: number): ResourceRecord {
  const rdata = soa.rdata.slice();
  new DataView(rdata.buffer, rdata.length - 20, 4).setUint32(0, serial >>> 0);
  return { ...soa, rdata };
}

/** RFC 1982 §3.2: `a` is newer than `b` in sequence space of 2^32. */
export function serialIsNewer(a: number, b: number): boolean {
  const diff = (a - b) >>> 0;
  return diff !== 0 && diff < 0x80000000;
}

/** RFC 1982 §3.1: the next serial wraps around 2^32. */
export function nextSerial(serial: number): number {
  return (serial + 1) >>> 0;
}
