// The UPDATE request (RFC 2136 §2) that replaces one RRset: zone section
// naming the zone, no prerequisites, and an update section that first
// deletes the RRset (§2.5.2: CLASS ANY, TTL 0, empty RDATA) and then adds
// the new record (§2.5.1). The server applies the section atomically
// (§3.4.2), so the name never goes without an address.
import { Opcode } from '../../dns/message.ts';
import { nameToWire } from '../../dns/name.ts';
import { RRClass, RRType, type Name } from '../../dns/record.ts';

export interface ReplaceRrset {
  readonly id: number;
  readonly zone: Name;
  readonly name: Name;
  readonly type: number;
  readonly ttl: number;
  readonly rdata: Uint8Array;
}

export function replaceRrsetMessage(update: ReplaceRrset): Uint8Array {
  const owner = nameToWire(update.name);
  const zone = nameToWire(update.zone);
  const out = Buffer.alloc(12 + zone.length + 4 + 2 * (owner.length + 10) + update.rdata.length);
  out.writeUInt16BE(update.id, 0);
  out.writeUInt16BE(Opcode.UPDATE << 11, 2);
  out.writeUInt16BE(1, 4); // ZOCOUNT
  out.writeUInt16BE(2, 8); // UPCOUNT
  let at = 12;
  out.set(zone, at);
  at = out.writeUInt16BE(RRClass.IN, out.writeUInt16BE(RRType.SOA, at + zone.length));
  for (const [klass, ttl, rdata] of [
    [RRClass.ANY, 0, new Uint8Array(0)],
    [RRClass.IN, update.ttl, update.rdata],
  ] as const) {
    out.set(owner, at);
    at = out.writeUInt16BE(klass, out.writeUInt16BE(update.type, at + owner.length));
    at = out.writeUInt16BE(rdata.length, out.writeUInt32BE(ttl, at));
    out.set(rdata, at);
    at += rdata.length;
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}
