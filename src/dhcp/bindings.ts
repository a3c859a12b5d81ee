// Who holds which address, and the names that go with it: leases and
// declined addresses in quarantine (the store), and offers waiting for their
// REQUEST. The server decides which address a client should have; this
// carries it out, keeping the lease store, the pool and DNS in step.
import type { Name } from '../dns/record.ts';
import type { Logger } from '../observe/log.ts';
import type { Client } from './client.ts';
import type { Lease, LeaseStore } from './leases.ts';
import type { HostRegistry } from './names.ts';
import { AddressPool, type AddressUse, type PoolConfig } from './pool.ts';
import { addressNumber } from './subnet.ts';

/** An OFFER keeps its address for the client this long, so two DISCOVERs
 *  in a row don't both get it (RFC 2131 §4.3.1 leaves the time to us). */
const OFFER_HOLD_MS = 30_000;
/** Offers hold at most this share of the range at once: DISCOVERs from
 *  random MACs (each a new client) would otherwise hold the whole pool for
 *  30 s at a time. Past it an offer is still sent, but its address stays
 *  free, and the first REQUEST for it wins (RFC 2131 §4.3.2). */
const HELD_SHARE = 1 / 4;
/** A declined address (RFC 2131 §4.3.3: in use by someone without a lease)
 *  is not offered again for this long; dnsmasq waits the same 10 minutes. */
export const DECLINE_HOLD_MS = 600_000;

interface Offer {
  readonly client: string;
  readonly address: string;
  readonly until: number;
}

/** How a binding ended, for the log. */
export type Ending = 'released' | 'declined' | 'expired' | 'released by the API';

export class Bindings implements AddressUse {
  readonly store: LeaseStore;
  private readonly registry: HostRegistry;
  private readonly log: Logger;
  private readonly now: () => number;
  private pool: AddressPool;
  /** The most offers that hold their address at once (HELD_SHARE of the range). */
  private maxHeld: number;
  private readonly offers = new Map<string, Offer>();
  private readonly offered = new Map<string, Offer>();
  /** Bindings that ended up to this time have been swept. */
  private swept: number;

  constructor(store: LeaseStore, pool: PoolConfig, registry: HostRegistry, log: Logger, now: () => number) {
    this.store = store;
    this.registry = registry;
    this.log = log;
    this.now = now;
    this.pool = this.newPool(pool);
    this.maxHeld = maxHeldOffers(pool);
    this.swept = now();
    // Names of bindings that ended while hearth was down leave DNS; those of
    // live ones go in again, in case hearth stopped between a lease's commit
    // and its name's (registering a name that is there changes nothing).
    for (const lease of this.store.all()) {
      if (lease.hostname === undefined) continue;
      if (lease.expires <= now()) this.unname(lease);
      else this.name(lease, []);
    }
  }

  /** A new pool for a new config; occupancy carries over. */
  usePool(config: PoolConfig): void {
    this.pool = this.newPool(config);
    this.maxHeld = maxHeldOffers(config);
  }

  isDynamic(address: string): boolean {
    return this.pool.isDynamic(address);
  }

  /** The next free address of the pool, undefined when it is exhausted. */
  nextFree(): string | undefined {
    return this.pool.next();
  }

  isFree(address: string): boolean {
    return this.availableTo(undefined, address);
  }

  releasedAt(address: string): number | undefined {
    return this.store.get(address)?.expires;
  }

  /** Nobody but `client` holds `address` by a lease, an offer or a quarantine. */
  availableTo(client: string | undefined, address: string): boolean {
    const now = this.now();
    const lease = this.store.active(address);
    if (lease && lease.client !== client) return false;
    const offer = this.offered.get(address);
    if (offer && offer.until > now && offer.client !== client) return false;
    return (this.store.declinedUntil(address) ?? 0) <= now;
  }

  /** The address offered to `client` and still held for it. */
  offerOf(client: string): string | undefined {
    const offer = this.offers.get(client);
    return offer && offer.until > this.now() ? offer.address : undefined;
  }

  /** Holds `address` for `client` for OFFER_HOLD_MS, unless offers hold
   *  their share of the range already; an earlier offer to it lapses. */
  offer(client: string, address: string): void {
    this.withdrawOffer(client);
    const offer = { client, address, until: this.now() + OFFER_HOLD_MS };
    this.offers.set(client, offer);
    if (this.heldOffers() < this.maxHeld) this.offered.set(address, offer);
    else this.pool.released(address); // back in the queue: the pool handed it out
  }

  /** Offers hold half of what they may: DISCOVERs that are not followed by
   *  REQUESTs (a flood from random MACs) are crowding the pool. */
  offersCrowded(): boolean {
    return this.heldOffers() * 2 >= this.maxHeld;
  }

  /** Offers that hold their address now (lapsed ones wait for the sweep). */
  private heldOffers(): number {
    if (this.offered.size < this.maxHeld) return this.offered.size;
    const now = this.now();
    for (const offer of this.offered.values()) if (offer.until <= now) this.withdrawOffer(offer.client);
    return this.offered.size;
  }

  /** The client took another server's offer, or got a lease: its offer lapses. */
  withdrawOffer(client: string): void {
    const offer = this.offers.get(client);
    if (!offer) return;
    this.offers.delete(client);
    // The address may have been offered anew to someone else since this offer lapsed.
    if (this.offered.get(offer.address) !== offer) return;
    this.offered.delete(offer.address);
    this.pool.released(offer.address);
  }

  /**
   * Leases `address` to `client` until `seconds` from now, named `fqdn` (or
   * keeping its name when it renews without one). False when another client
   * holds the address. `done` runs once the lease is on disk, after its name
   * went into DNS, with the lease as it stands (no name when the name was
   * held by someone else); undefined when the lease could not be stored.
   */
  bind(client: Client, address: string, seconds: number, fqdn: Name | undefined, done: (lease: Lease | undefined) => void): boolean {
    const previous = this.store.ofClient(client.key);
    // Another client's ended binding here, whose name a sweep has not removed yet.
    const displaced = this.store.get(address)?.client === client.key ? undefined : this.store.get(address);
    const hostname = fqdn ?? (previous?.address === address ? previous.hostname : undefined);
    const lease: Lease = { address, client: client.key, mac: client.mac, clientId: client.clientId, hostname, expires: this.now() + seconds * 1000 };
    const stored = this.store.put(lease, (ok) => done(ok ? this.name(lease, [previous, displaced]) : undefined));
    if (!stored) return false;
    this.withdrawOffer(client.key);
    if (previous && previous.address !== address) this.pool.released(previous.address);
    return true;
  }

  /** Ends a binding now: its name leaves DNS, the row stays as the client's last address. */
  end(lease: Lease, why: Ending): void {
    if (lease.hostname !== undefined) this.unregister(lease.hostname, lease.address);
    this.store.put({ ...lease, hostname: undefined, expires: Math.min(lease.expires, this.now()) });
    this.pool.released(lease.address);
    this.log.info({ address: lease.address, mac: lease.mac, name: lease.hostname }, `DHCP lease ${why}`);
  }

  /** RFC 2131 §4.3.3: the client found `lease`'s address in use; nobody gets it for a while. */
  decline(lease: Lease): void {
    this.store.decline(lease.address, this.now() + DECLINE_HOLD_MS);
    this.end(lease, 'declined');
    this.log.warn(
      { address: lease.address, mac: lease.mac, minutes: DECLINE_HOLD_MS / 60_000 },
      'a DHCP client found its address in use by another host: the address is quarantined',
    );
  }

  /** Ends what has run out: offers, quarantines, and leases (their names leave DNS). */
  sweep(): void {
    const now = this.now();
    for (const offer of this.offers.values()) if (offer.until <= now) this.withdrawOffer(offer.client);
    for (const [address, until] of this.store.declines()) {
      if (until <= now) {
        this.store.clearDecline(address);
        this.pool.released(address);
      }
    }
    for (const lease of this.ended(this.swept)) {
      if (lease.hostname !== undefined) this.unname(lease);
      if (lease.expires > this.swept) this.pool.released(lease.address);
    }
    this.swept = now;
  }

  /** Once `lease` is durable, its name follows it into DNS: the names of the
   *  rows it replaced leave, its own is registered unless it is a renewal. */
  private name(lease: Lease, replaced: readonly (Lease | undefined)[]): Lease {
    const [previous] = replaced;
    if (previous?.address === lease.address && previous.hostname === lease.hostname) return lease;
    for (const old of replaced) if (old?.hostname !== undefined) this.unregister(old.hostname, old.address);
    if (lease.hostname === undefined || this.register(lease.hostname, lease.address)) return lease;
    this.log.info(
      { name: lease.hostname, address: lease.address, mac: lease.mac },
      'DHCP client name already held by another host or record: lease given without a name',
    );
    const unnamed = { ...lease, hostname: undefined };
    if (this.store.get(lease.address) === lease) this.store.put(unnamed);
    return unnamed;
  }

  /** The name of an ended binding leaves DNS; the row forgets it. */
  private unname(lease: Lease): void {
    this.unregister(lease.hostname!, lease.address);
    this.store.put({ ...lease, hostname: undefined });
  }

  /** A failure in DNS costs the client its name, never its lease or its ACK. */
  private register(fqdn: Name, address: string): boolean {
    try {
      return this.registry.register(fqdn, address);
    } catch (error) {
      this.log.error({ err: error, name: fqdn, address }, 'DHCP client name could not be registered');
      return false;
    }
  }

  private unregister(fqdn: Name, address: string): void {
    try {
      this.registry.unregister(fqdn, address);
    } catch (error) {
      this.log.error({ err: error, name: fqdn, address }, 'DHCP client name could not be removed');
    }
  }

  /** Bindings that ended after `after` and by now, oldest first. */
  private ended(after: number): Lease[] {
    const now = this.now();
    const ended: Lease[] = [];
    for (const lease of this.store.all()) {
      if (lease.expires <= now && (lease.expires > after || lease.hostname !== undefined)) ended.push(lease);
    }
    return ended.sort((a, b) => a.expires - b.expires);
  }

  private newPool(config: PoolConfig): AddressPool {
    return new AddressPool(
      config,
      this,
      this.ended(-Infinity).map((lease) => lease.address),
    );
  }
}

function maxHeldOffers(config: PoolConfig): number {
  const size = addressNumber(config.range[1])! - addressNumber(config.range[0])! + 1;
  return Math.max(2, Math.floor(size * HELD_SHARE));
}
