// Zones hearth makes up itself when no zone file defines them: DHCP's domain
// and the reverse zones of its subnet, so client names can be registered on
// an empty zones_dir (dnsmasq answers for its DHCP names the same way).
import type { Cidr } from '../../values/cidr.ts';
import { ipv4Bytes } from '../../net/address.ts';
import { nameToWire, parseName } from '../name.ts';
import { RRClass, RRType, type Name, type ResourceRecord } from '../record.ts';
import { Zone } from './zone.ts';

/** SOA timers (RFC 1912 §2.2 ranges); MINIMUM 60 s so a name a client has
 *  just been given is not held negative in caches for long (RFC 2308 §5). */
const SOA_TIMERS = { refresh: 3600, retry: 600, expire: 86400, minimum: 60 } as const;
const TTL = 3600;

/** An empty zone at `origin`: SOA and NS naming `server` (the DHCP domain). */
export function generatedZone(origin: Name, server: Name): Zone {
  const soa = [...nameToWire(server), ...nameToWire(`hostmaster.${server}`)];
  const timers = new DataView(new ArrayBuffer(20));
  [1, SOA_TIMERS.refresh, SOA_TIMERS.retry, SOA_TIMERS.expire, SOA_TIMERS.minimum].forEach((value, i) => timers.setUint32(i * 4, value));
  const records: ResourceRecord[] = [
    { name: origin, type: RRType.SOA, class: RRClass.IN, ttl: TTL, rdata: Uint8Array.from([...soa, ...new Uint8Array(timers.buffer)]) },
    { name: origin, type: RRType.NS, class: RRClass.IN, ttl: TTL, rdata: nameToWire(server) },
  ];
  const zone = Zone.build(origin, records);
  if (!(zone instanceof Zone)) throw new Error(`generated zone ${origin}: ${zone.join('; ')}`);
  return zone;
}

/** The in-addr.arpa zones that hold the PTRs of `subnet` (RFC 1035 §3.5):
 *  one per octet-aligned block, so a /23 gets two /24 zones rather than
 *  claiming the whole /16. */
export function reverseOrigins(subnet: Cidr): Name[] {
  const bytes = ipv4Bytes(subnet.address);
  if (!bytes || subnet.family !== 4) return [];
  const aligned = Math.max(8, Math.ceil(subnet.prefix / 8) * 8);
  const octets = aligned / 8;
  const base = new DataView(bytes.buffer).getUint32(0) & (subnet.prefix === 0 ? 0 : ~0 << (32 - subnet.prefix));
  const origins: Name[] = [];
  for (let i = 0; i < 2 ** (aligned - Math.min(subnet.prefix, aligned)); i++) {
    const block = (base + i * 2 ** (32 - aligned)) >>> 0;
    const labels = [24, 16, 8, 0].slice(0, octets).map((shift) => String((block >>> shift) & 0xff));
    origins.push([...labels.reverse(), 'in-addr', 'arpa'].join('.'));
  }
  return origins;
}

/** The forward zone `domain` and the reverse zones of `subnet`. */
export function hostZones(domain: string, subnet: Cidr): Zone[] {
  const forward = parseName(domain.endsWith('.') ? domain : `${domain}.`);
  return [forward, ...reverseOrigins(subnet)].map((origin) => generatedZone(origin, forward));
}
