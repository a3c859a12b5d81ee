// IPv4 addresses as 32-bit numbers, and the one subnet a DHCP server serves:
// which addresses lie in it, and the mask and broadcast address it advertises
// (options 1 and 28).
import type { Cidr } from '../values/cidr.ts';
import { ipv4Bytes } from '../net/address.ts';

/** 192.168.1.10 → 0xc0a8010a; undefined when `text` is not an IPv4 address. */
export function addressNumber(text: string): number | undefined {
  const bytes = ipv4Bytes(text);
  return bytes && ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
}

export function addressText(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

export class Subnet {
  readonly prefix: number;
  private readonly bits: number;
  private readonly network: number;
  private readonly last: number;

  constructor(cidr: Cidr) {
    this.prefix = cidr.prefix;
    this.bits = cidr.prefix === 0 ? 0 : (~0 << (32 - cidr.prefix)) >>> 0;
    this.network = ((addressNumber(cidr.address) ?? 0) & this.bits) >>> 0;
    this.last = (this.network | ~this.bits) >>> 0;
  }

  contains(address: string): boolean {
    const value = addressNumber(address);
    return value !== undefined && (value & this.bits) >>> 0 === this.network;
  }

  /** In the subnet and neither its network nor its broadcast address
   *  (a /31 or /32 has neither, RFC 3021). */
  isHostAddress(address: string): boolean {
    if (!this.contains(address)) return false;
    const value = addressNumber(address)!;
    return this.prefix >= 31 || (value !== this.network && value !== this.last);
  }

  /** Option 1. */
  get mask(): string {
    return addressText(this.bits);
  }

  /** Option 28 (RFC 1122 §3.2.1.3: all host bits set). */
  get broadcast(): string {
    return addressText(this.last);
  }
}
