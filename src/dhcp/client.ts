// Who a DHCP message is from. RFC 2131 §4.2: a client is identified by its
// client identifier (option 61) when it sends one, else by its hardware type
// and address. Both become one hex key; an Ethernet client's identifier is
// usually type 1 + its MAC (RFC 2132 §9.14), so `01aabbccddeeff` is the same
// client whether or not it sent option 61 this time.
import type { DhcpPacket } from './packet.ts';

export interface Client {
  /** Option 61 in hex, else htype + chaddr in hex. */
  readonly key: string;
  /** chaddr as aa:bb:cc:dd:ee:ff. */
  readonly mac: string;
  /** Option 61 in hex, when sent. */
  readonly clientId: string | undefined;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** The sender of `packet`; undefined when it has neither option 61 nor a hardware address. */
export function clientOf(packet: DhcpPacket): Client | undefined {
  const id = packet.options.clientId();
  if (!id && packet.chaddr.length === 0) return undefined;
  const mac = hex(packet.chaddr).replace(/(..)(?=.)/g, '$1:');
  const clientId = id && hex(id);
  return { key: clientId ?? hex(Uint8Array.of(packet.htype, ...packet.chaddr)), mac, clientId };
}

/** A MAC as users write it ("AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff") in chaddr's form. */
export function normalizeMac(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '')
    .replace(/(..)(?=.)/g, '$1:');
}

/** A client identifier as users write it ("01:AA:BB:…") in the key's form. */
export function normalizeClientId(text: string): string {
  return text.toLowerCase().replace(/[^0-9a-f]/g, '');
}
