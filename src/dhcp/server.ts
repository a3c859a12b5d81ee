// The DHCP server's state machine (RFC 2131 §4.3): what to answer to each
// client message, given the leases, offers and static leases. It sees bytes
// and hands bytes to `send`; the socket is dhcp-service.ts's. Nothing thrown
// while handling a packet leaves `handle`.
import type { Name } from '../dns/record.ts';
import type { Logger } from '../observe/log.ts';
import type { Bindings } from './bindings.ts';
import { clientOf, type Client } from './client.ts';
import { fqdnHostLabel, hostLabel } from './hostname.ts';
import type { Lease, LeaseStore } from './leases.ts';
import { BROADCAST_FLAG, decodePacket, type DhcpPacket } from './packet.ts';
import { encodeReply, type DhcpReply, type LeaseReply } from './reply.ts';
import type { DhcpSetup } from './setup.ts';
import { TokenBucket } from '../net/token-bucket.ts';
import { ThrottledLog } from '../diagnostics/throttled-log.ts';

export type Send = (bytes: Uint8Array, address: string, port: number) => void;

export interface DhcpServerOptions {
  readonly setup: DhcpSetup;
  readonly bindings: Bindings;
  readonly send: Send;
  readonly log: Logger;
  readonly now: () => number;
  /** Where replies to clients without an address go: 255.255.255.255 on a LAN. */
  readonly broadcastAddress: string;
}

const ZERO = '0.0.0.0';
/** The shortest lease a client may ask for: dnsmasq's floor too, so a
 *  client asking for seconds does not renew in a storm. */
const MIN_REQUESTED_LEASE = 120;
/** New clients answered a second, after a burst, while unanswered offers
 *  crowd the pool (a flood of DISCOVERs from random MACs). Clients that take
 *  their offers, as real ones do, are never slowed, nor are known clients
 *  (a house's devices coming back after a power cut). */
const NEW_CLIENTS_PER_SECOND = 5;
const NEW_CLIENTS_BURST = 30;

export class DhcpServer {
  private setup: DhcpSetup;
  private readonly bindings: Bindings;
  private readonly store: LeaseStore;
  private readonly send: Send;
  private readonly log: Logger;
  private readonly broadcastAddress: string;
  private readonly now: () => number;
  /** DISCOVERs from clients never seen before: random MACs by the thousand are an attack, not a house. */
  private readonly newcomers: TokenBucket;
  /** Clients retry every few seconds: a warning their retries would repeat is logged once a minute. */
  private readonly warnings: ThrottledLog;

  constructor(options: DhcpServerOptions) {
    this.setup = options.setup;
    this.bindings = options.bindings;
    this.store = options.bindings.store;
    this.send = options.send;
    this.log = options.log;
    this.broadcastAddress = options.broadcastAddress;
    this.warnings = new ThrottledLog(options.log, options.now);
    this.now = options.now;
    this.newcomers = new TokenBucket(NEW_CLIENTS_PER_SECOND, NEW_CLIENTS_BURST, options.now());
  }

  reconfigure(setup: DhcpSetup): void {
    this.setup = setup;
  }

  /** One datagram from a client or a relay, from any port. */
  handle(bytes: Uint8Array, from?: { address: string; port: number }): void {
    try {
      const reason = this.dispatch(bytes);
      if (reason !== undefined) this.log.debug({ from, reason }, 'DHCP packet ignored');
    } catch (error) {
      this.log.error({ err: error, from }, 'DHCP packet handling failed');
    }
  }

  /** Handles a packet; returns why nothing was done, for the debug log. */
  private dispatch(bytes: Uint8Array): string | undefined {
    const decoded = decodePacket(bytes);
    if (!decoded.ok) return decoded.reason;
    const packet = decoded.packet;
    if (packet.op !== 'BOOTREQUEST') return 'a BOOTREPLY: from a server, not a client';
    // One subnet is served: a relay must sit in it (its giaddr names the client's link).
    if (packet.giaddr !== ZERO && !this.setup.subnet.contains(packet.giaddr)) return `relayed from ${packet.giaddr}, outside ${this.setup.config.subnet}`;
    const client = clientOf(packet);
    if (!client) return 'no client identifier and no hardware address';
    switch (packet.messageType) {
      case 'DISCOVER':
        return this.discover(packet, client);
      case 'REQUEST':
        return this.request(packet, client);
      case 'DECLINE':
        return this.decline(packet, client);
      case 'RELEASE':
        return this.release(packet, client);
      case 'INFORM':
        return this.inform(packet);
      default:
        return `a ${packet.messageType}, which only servers send`;
    }
  }

  private discover(packet: DhcpPacket, client: Client): string | undefined {
    if (this.isNewcomer(client) && this.bindings.offersCrowded() && !this.newcomers.take(this.now())) {
      this.warnings.warn(
        'newcomers',
        { mac: client.mac },
        `new DHCP clients arrive faster than ${NEW_CLIENTS_PER_SECOND} a second: the others are not answered`,
      );
      return 'too many new clients at once';
    }
    const address = this.choose(packet, client);
    if (address === undefined) return 'no address to offer';
    this.bindings.offer(client.key, address);
    const fqdn = this.hostFqdn(packet, client);
    this.reply(packet, this.leaseReply('OFFER', client, address, this.leaseSeconds(packet), fqdn, fqdn));
    return undefined;
  }

  /** A client with no static lease, no lease (current or past) and no offer. */
  private isNewcomer(client: Client): boolean {
    return this.setup.reservations.of(client) === undefined && this.store.ofClient(client.key) === undefined && this.bindings.offerOf(client.key) === undefined;
  }

  /** RFC 2131 §4.3.1: the client's reservation; else its offer, current or
   *  previous address; else the one it asks for; else a new one. */
  private choose(packet: DhcpPacket, client: Client): string | undefined {
    const reserved = this.setup.reservations.of(client)?.address;
    if (reserved !== undefined) {
      if (this.mayHave(client, reserved)) return reserved;
      this.warnings.warn(
        `reserved ${reserved}`,
        { address: reserved, mac: client.mac },
        "a static lease's address is held by another client: nothing offered until it is free",
      );
      return undefined;
    }
    for (const address of [this.bindings.offerOf(client.key), this.store.ofClient(client.key)?.address, packet.options.requestedAddress()]) {
      if (address !== undefined && this.mayHave(client, address)) return address;
    }
    const fresh = this.bindings.nextFree();
    if (fresh === undefined) this.warnings.warn('exhausted', { range: this.setup.config.range }, 'DHCP pool exhausted: new clients get no address');
    return fresh;
  }

  /** Whether `client` may be bound to `address` now: its static address, or
   *  a dynamic one when it has none, and nobody else holding it. */
  private mayHave(client: Client, address: string): boolean {
    const reservation = this.setup.reservations.of(client);
    const allowed = reservation ? reservation.address === address : this.bindings.isDynamic(address);
    return allowed && this.bindings.availableTo(client.key, address);
  }

  private request(packet: DhcpPacket, client: Client): string | undefined {
    const serverId = packet.options.serverId();
    const requested = packet.options.requestedAddress();
    if (serverId !== undefined) {
      // SELECTING. RFC 2131 §4.3.2: a client that chose another server's offer declines ours.
      if (serverId !== this.setup.serverId) {
        this.bindings.withdrawOffer(client.key);
        return `the client chose server ${serverId}`;
      }
      if (requested === undefined) return 'a REQUEST in SELECTING without a requested address';
      // Our offer, or the lease it led to when our ACK was lost and the client asks again.
      const ours = this.bindings.offerOf(client.key) === requested || this.store.active(requested)?.client === client.key;
      if (ours && this.mayHave(client, requested)) return this.ack(packet, client, requested);
      return this.nak(packet, client, `${requested} is not on offer to this client`);
    }
    // RENEWING (unicast) or REBINDING (broadcast): dgram does not tell which,
    // and RFC 2131 §4.3.2 checks ciaddr the same way for both.
    if (packet.ciaddr !== ZERO) return this.confirm(packet, client, packet.ciaddr);
    if (requested !== undefined) return this.confirm(packet, client, requested); // INIT-REBOOT
    return 'a REQUEST with no server identifier, ciaddr or requested address';
  }

  /** INIT-REBOOT, RENEWING, REBINDING: the client believes `address` is its own. */
  private confirm(packet: DhcpPacket, client: Client, address: string): string | undefined {
    const lease = this.store.ofClient(client.key);
    const reservation = this.setup.reservations.of(client);
    const authoritative = this.setup.config.authoritative;
    // RFC 2131 §4.3.2: an address on another network is wrong whoever asks
    // (a laptop back from work), so the client starts over at once.
    if (authoritative && !this.setup.subnet.contains(address)) return this.nak(packet, client, `${address} is not on ${this.setup.config.subnet}`);
    // With no record of the client, stay silent, so servers that don't know
    // each other can share a wire.
    if (!lease && !reservation) return `no record of this client (it asks for ${address})`;
    const right = (lease?.address === address || reservation?.address === address) && this.mayHave(client, address);
    if (right) return this.ack(packet, client, address);
    if (authoritative) return this.nak(packet, client, `${address} is not this client's address`);
    return `${address} is not this client's address, and the server is not authoritative`;
  }

  /** Binds and, once the lease is on disk and named, ACKs; NAKs when another client holds the address. */
  private ack(packet: DhcpPacket, client: Client, address: string): string | undefined {
    const fqdn = this.hostFqdn(packet, client);
    const seconds = this.leaseSeconds(packet);
    const bound = this.bindings.bind(client, address, seconds, fqdn, (lease: Lease | undefined) => {
      if (lease) this.reply(packet, this.leaseReply('ACK', client, address, seconds, fqdn, lease.hostname));
    });
    return bound ? undefined : this.nak(packet, client, `${address} is held by another client`);
  }

  private nak(packet: DhcpPacket, client: Client, why: string): undefined {
    this.log.debug({ mac: client.mac, why }, 'DHCP NAK');
    this.reply(packet, { type: 'NAK', serverId: this.setup.serverId, message: why });
    return undefined;
  }

  private decline(packet: DhcpPacket, client: Client): string | undefined {
    if (!this.forUs(packet)) return 'a DECLINE for another server';
    const address = packet.options.requestedAddress();
    const lease = address === undefined ? undefined : this.store.active(address);
    // Only the holder's word counts: anyone else could quarantine any address.
    if (lease?.client !== client.key) return `a DECLINE of ${address ?? 'no address'}, which is not this client's`;
    this.bindings.decline(lease);
    return undefined;
  }

  private release(packet: DhcpPacket, client: Client): string | undefined {
    if (!this.forUs(packet)) return 'a RELEASE for another server';
    const lease = this.store.active(packet.ciaddr);
    if (lease?.client !== client.key) return `a RELEASE of ${packet.ciaddr}, which is not this client's`;
    this.bindings.end(lease, 'released');
    return undefined;
  }

  /** RFC 2131 §4.3.5: configuration for a client that has an address; no lease. */
  private inform(packet: DhcpPacket): string | undefined {
    if (!this.setup.subnet.contains(packet.ciaddr)) return `an INFORM from ${packet.ciaddr}, outside ${this.setup.config.subnet}`;
    this.reply(packet, { type: 'INFORM-ACK', serverId: this.setup.serverId, parameters: this.setup.parameters });
    return undefined;
  }

  /** RFC 2131 §4.3.3/§4.3.4: DECLINE and RELEASE name their server in option 54. */
  private forUs(packet: DhcpPacket): boolean {
    const serverId = packet.options.serverId();
    return serverId === undefined || serverId === this.setup.serverId;
  }

  /** NAME.<domain> for the client: its static lease's name, else the first
   *  label of option 81, else option 12, sanitized; undefined when none is
   *  usable, or when the client asks for a reserved name (another device's
   *  static name, wpad, this host's own: it gets its lease without a name). */
  private hostFqdn(packet: DhcpPacket, client: Client): Name | undefined {
    const own = this.setup.reservations.of(client)?.hostname;
    if (own !== undefined) return `${own}.${this.setup.domain}`;
    const fromFqdn = packet.options.clientFqdn();
    const sent = packet.options.hostname();
    const label = (fromFqdn && fqdnHostLabel(fromFqdn.name)) ?? (sent === undefined ? undefined : hostLabel(sent));
    if (label === undefined || this.setup.reservedNames.has(label)) return undefined;
    return `${label}.${this.setup.domain}`;
  }

  /** RFC 2131 §4.3.1: a client may ask for a lease time (option 51); a
   *  shorter one than configured is granted, down to MIN_REQUESTED_LEASE. */
  private leaseSeconds(packet: DhcpPacket): number {
    const requested = packet.options.leaseTime();
    const configured = this.setup.config.lease_time;
    return requested === undefined ? configured : Math.min(configured, Math.max(requested, MIN_REQUESTED_LEASE));
  }

  /** An OFFER or ACK of `seconds`; `named` is the name in DNS (for an OFFER, the one planned). */
  private leaseReply(type: 'OFFER' | 'ACK', client: Client, address: string, seconds: number, fqdn: Name | undefined, named: Name | undefined): LeaseReply {
    const staticName = this.setup.reservations.of(client)?.hostname;
    return {
      type,
      serverId: this.setup.serverId,
      yiaddr: address,
      times: { lease: seconds },
      parameters: this.setup.parameters,
      // Option 12 carries a static lease's name, so the device takes it (as dnsmasq's dhcp-host names do).
      ...(staticName === undefined ? {} : { hostname: staticName }),
      // RFC 4702 §4: S=1, the server updated the A record; when the name was held by another, no one will.
      ...(fqdn === undefined ? {} : { fqdn: { updates: named === fqdn ? 'server' : 'none', name: fqdn } }),
    };
  }

  private reply(packet: DhcpPacket, reply: DhcpReply): void {
    const relayed = packet.giaddr !== ZERO;
    // RFC 2131 §4.3.2 (DHCPREQUEST): a NAK through a relay has the broadcast bit set, so the relay broadcasts it.
    const request = reply.type === 'NAK' && relayed ? { ...packet, flags: packet.flags | BROADCAST_FLAG } : packet;
    const { bytes } = encodeReply(request, reply);
    const { port } = this.setup.config;
    if (relayed) return this.send(bytes, packet.giaddr, port);
    // RFC 2131 §4.1: a client with an address (RENEWING, INFORM) gets unicast; a NAK is broadcast.
    if (reply.type !== 'NAK' && packet.ciaddr !== ZERO) return this.send(bytes, packet.ciaddr, port + 1);
    // With the broadcast bit clear, RFC 2131 §4.1 unicasts to yiaddr at chaddr,
    // which takes an ARP entry made by hand (dnsmasq uses an ioctl); node:dgram
    // can't, and a client with no address yet accepts a broadcast as well.
    this.send(bytes, this.broadcastAddress, port + 1);
  }
}
