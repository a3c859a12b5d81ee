// DHCP clients' names as A and PTR records in the default view's zones,
// written through the same ZoneUpdater as RFC 2136 (so they are journaled,
// bump the serial, and survive restarts; grouped, one transaction a turn). A name that already means
// something else is never taken over: dnsmasq and Kea refuse the same way.
// Records of the zone files are the owner's: DHCP neither adds to nor
// removes from a name a zone file defines.
import { ipv4Bytes } from '../../net/address.ts';
import type { Logger } from '../../observe/log.ts';
import { Rcode } from '../message.ts';
import { nameToWire } from '../name.ts';
import { RRClass, RRType, type Name, type ResourceRecord } from '../record.ts';
import type { Zone } from '../zones/zone.ts';
import type { ZoneSet } from '../zones/zoneset.ts';
import { sameRdata } from './contents.ts';
import type { ZoneUpdater } from './updater.ts';

/** Short, so a released address's old name leaves caches soon (dnsmasq's
 *  local-ttl is 0; Kea uses a third of the lease). */
const HOST_TTL = 60;
/** Names follow leases, which are durable already: at start hearth registers
 *  the names of live leases again and removes those of ended ones, so their
 *  journal writes can wait for the rest of the turn and share one fsync. */
const SOON = 'soon';

/** RFC 1035 §3.5: 192.168.1.10 → 10.1.168.192.in-addr.arpa. */
export function reverseName(address: string): Name | undefined {
  const bytes = ipv4Bytes(address);
  return bytes ? `${[...bytes].reverse().join('.')}.in-addr.arpa` : undefined;
}

/** Meets dhcp/names.ts's HostRegistry; the composition layer (wiring.ts) joins them. */
export class ZoneHostRegistry {
  private readonly updater: ZoneUpdater;
  private readonly zones: () => ZoneSet;
  private readonly log: Logger;

  constructor(updater: ZoneUpdater, zones: () => ZoneSet, log: Logger) {
    this.updater = updater;
    this.zones = zones;
    this.log = log;
  }

  register(fqdn: Name, address: string): boolean {
    const set = this.zones();
    const zone = set.find(fqdn);
    const a = ipv4Bytes(address);
    if (!zone || !a) {
      this.log.warn({ name: fqdn, address }, 'no local zone for this host name: not registered');
      return false;
    }
    const reverse = reverseOf(set, address);
    if (inZoneFile(set, zone, fqdn)) {
      // The zone file names this host itself (a NAS beside its static lease):
      // DHCP adds nothing there, so it never removes the owner's records; the
      // name is the client's if the file gives it this address.
      const given =
        zone
          .node(fqdn)
          ?.get(RRType.A)
          ?.some((held) => sameRdata(held.rdata, a)) ?? false;
      if (given && reverse) this.point(set, reverse, fqdn);
      return given;
    }
    const node = zone.node(fqdn);
    const heldA = node?.get(RRType.A) ?? [];
    const mine = heldA.length === 1 && sameRdata(heldA[0]!.rdata, a);
    // Anything but our own single A record means the name belongs to someone else.
    if (node && node.size > 0 && !mine) return false;
    if (!mine && this.updater.apply(set, zone, { prerequisites: [], updates: [record(fqdn, RRType.A, a)] }, SOON).rcode !== Rcode.NOERROR) return false;
    if (reverse) this.point(set, reverse, fqdn);
    return true;
  }

  unregister(fqdn: Name, address: string): void {
    const set = this.zones();
    const zone = set.find(fqdn);
    const a = ipv4Bytes(address);
    if (zone && a && !inZoneFile(set, zone, fqdn)) {
      this.updater.apply(set, zone, { prerequisites: [], updates: [{ ...record(fqdn, RRType.A, a), class: RRClass.NONE, ttl: 0 }] }, SOON);
    }
    const reverse = reverseOf(set, address);
    if (reverse && !inZoneFile(set, reverse.zone, reverse.ptr)) {
      const deletion = { ...record(reverse.ptr, RRType.PTR, nameToWire(fqdn)), class: RRClass.NONE, ttl: 0 };
      this.updater.apply(set, reverse.zone, { prerequisites: [], updates: [deletion] }, SOON);
    }
  }

  /** The address is leased to this client alone, so its PTR is replaced
   *  outright; unless the zone file has one, which stays as it is. */
  private point(set: ZoneSet, reverse: Reverse, fqdn: Name): void {
    if (inZoneFile(set, reverse.zone, reverse.ptr) || pointsOnlyAt(reverse, fqdn)) return;
    this.updater.apply(
      set,
      reverse.zone,
      {
        prerequisites: [],
        updates: [{ ...record(reverse.ptr, RRType.PTR, new Uint8Array(0)), class: RRClass.ANY, ttl: 0 }, record(reverse.ptr, RRType.PTR, nameToWire(fqdn))],
      },
      SOON,
    );
  }
}

/** The zone's file (or hearth's generated SOA and NS) has records at `name`. */
function inZoneFile(set: ZoneSet, zone: Zone, name: Name): boolean {
  return (set.base(zone.origin)?.node(name)?.size ?? 0) > 0;
}

interface Reverse {
  readonly ptr: Name;
  readonly zone: Zone;
}

/** The PTR name of `address` and the local zone holding it, if hearth has one. */
function reverseOf(set: ZoneSet, address: string): Reverse | undefined {
  const ptr = reverseName(address);
  const zone = ptr === undefined ? undefined : set.find(ptr);
  return ptr !== undefined && zone ? { ptr, zone } : undefined;
}

function pointsOnlyAt({ ptr, zone }: Reverse, fqdn: Name): boolean {
  const held = zone.node(ptr)?.get(RRType.PTR) ?? [];
  return held.length === 1 && sameRdata(held[0]!.rdata, nameToWire(fqdn));
}

function record(name: Name, type: number, rdata: Uint8Array): ResourceRecord {
  return { name, type, class: RRClass.IN, ttl: HOST_TTL, rdata };
}
