// The DHCP service as the app sees it: the UDP socket on 0.0.0.0:<port>, the
// state machine behind it, the lease store in <data_dir>/dhcp.db, the sweep
// that ends expired leases, and what the admin API asks of it.
//
// Replies to clients without an address go to 255.255.255.255 (port + 1).
// Linux sends a limited broadcast out of the interface its route for
// 255.255.255.255 names (the default route's, unless there is a host route):
// with dhcp.broadcast_route, hearth adds that host route (broadcast-route.ts).
// node:dgram can't bind a socket to a device, so requests arriving on any
// interface are answered; serve DHCP from a host with one LAN interface, or
// put the others in their own namespace.
import { createSocket, type Socket } from 'node:dgram';
import type { Logger } from '../observe/log.ts';
import { Bindings } from './bindings.ts';
import { ensureBroadcastRoute } from './broadcast-route.ts';
import type { DhcpConfig } from './config.ts';
import { LeaseStore } from './leases.ts';

/** What the pair's sync needs of the leases (src/ha/sync/leases.ts). */
export type ReplicatedLeases = Pick<LeaseStore, 'all' | 'apply' | 'replicateWith' | 'commit'>;
import type { HostRegistry } from './names.ts';
import { DhcpServer } from './server.ts';
import { dhcpSetup, type DhcpSetup, type Interfaces } from './setup.ts';

/** Expired leases, lapsed offers and quarantines are swept this often. */
const SWEEP_MS = 10_000;
/** Room for a burst of requests while a group commit runs. */
const RECEIVE_BUFFER = 4 * 1024 * 1024;
/** libuv reads at most this many datagrams from a socket per turn of the
 *  event loop (uv__udp_io): a turn that got this many left more queued. */
const READS_PER_TURN = 32;

export interface DhcpServiceOptions {
  readonly config: DhcpConfig;
  /** dhcp.db goes here. */
  readonly dataDir: string;
  readonly registry: HostRegistry;
  readonly log: Logger;
  /** Where replies to clients without an address go; tests on loopback use 127.0.0.1. */
  readonly broadcastAddress?: string;
  /** The host's interfaces (default os.networkInterfaces()), for the server identifier. */
  readonly interfaces?: Interfaces;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
  /** A failover pair's VIP: the server identifier (see dhcpSetup). */
  readonly vip?: string | undefined;
}

/** A lease as the API shows it. */
export interface LeaseInfo {
  readonly address: string;
  readonly mac: string;
  /** Option 61 in hex. */
  readonly clientId: string | undefined;
  /** The name registered in DNS, NAME.<dhcp.domain>. */
  readonly hostname: string | undefined;
  /** ISO 8601. */
  readonly expires: string;
  readonly kind: 'static' | 'dynamic';
}

export class DhcpService {
  private setup: DhcpSetup;
  private readonly store: LeaseStore;
  private readonly bindings: Bindings;
  private readonly server: DhcpServer;
  private readonly log: Logger;
  private readonly interfaces: Interfaces | undefined;
  private readonly vip: string | undefined;
  private readonly now: () => number;
  private socket: Socket | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  /** Datagrams read since the lease store last asked. */
  private arrived = 0;
  /** False on a pair's standby: the socket stays open and the replicated
   *  leases are kept, but no client is answered while a master lives. */
  private serving = true;

  /** Opens the lease store; throws an Error naming the key when the config can't be served. */
  constructor(options: DhcpServiceOptions) {
    this.log = options.log;
    this.interfaces = options.interfaces;
    this.vip = options.vip;
    this.now = options.now ?? Date.now;
    this.setup = dhcpSetup(options.config, this.log, this.interfaces, this.vip);
    this.store = new LeaseStore(options.dataDir, this.log, { now: this.now, moreComing: () => this.moreComing() });
    this.bindings = new Bindings(this.store, this.setup.pool, options.registry, this.log, this.now);
    this.server = new DhcpServer({
      setup: this.setup,
      bindings: this.bindings,
      send: (bytes, address, port) => this.send(bytes, address, port),
      log: this.log,
      now: this.now,
      broadcastAddress: options.broadcastAddress ?? '255.255.255.255',
    });
  }

  /** Binds 0.0.0.0:<port> and starts sweeping expired leases. */
  async start(): Promise<void> {
    if (this.setup.config.broadcast_route) await ensureBroadcastRoute(this.setup.config.interface, this.log);
    this.socket = await this.open(this.setup.config.port);
    // Only the node that serves ends leases: a standby's come from the master.
    this.sweeper = setInterval(() => {
      if (this.serving) this.bindings.sweep();
    }, SWEEP_MS);
    this.sweeper.unref();
    this.log.info(
      { port: this.setup.config.port, server: this.setup.serverId, range: this.setup.config.range, leases: this.activeLeaseCount() },
      'DHCP server started',
    );
  }

  /** Closes the socket and the lease store (pending writes are committed first). */
  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((done) => socket.close(() => done()));
    this.store.close();
  }

  /**
   * Takes a new `dhcp` section: static leases, range and options apply to the
   * next packet; the socket is rebound only when the port changed. Throws,
   * changing nothing, when the config can't be served.
   */
  async reconfigure(config: DhcpConfig): Promise<void> {
    const setup = dhcpSetup(config, this.log, this.interfaces, this.vip);
    const routeWanted = config.broadcast_route && (!this.setup.config.broadcast_route || config.interface !== this.setup.config.interface);
    if (routeWanted) await ensureBroadcastRoute(config.interface, this.log);
    if (this.socket && config.port !== this.setup.config.port) {
      const socket = await this.open(config.port);
      const old = this.socket;
      this.socket = socket;
      old.close();
    }
    this.setup = setup;
    this.server.reconfigure(setup);
    this.bindings.usePool(setup.pool);
  }

  /** The leases held now. */
  leases(): LeaseInfo[] {
    const now = this.now();
    const held: LeaseInfo[] = [];
    for (const lease of this.store.all()) {
      if (lease.expires <= now) continue;
      const reserved = this.setup.reservations.of(lease)?.address === lease.address;
      held.push({
        address: lease.address,
        mac: lease.mac,
        clientId: lease.clientId,
        hostname: lease.hostname,
        expires: new Date(lease.expires).toISOString(),
        kind: reserved ? 'static' : 'dynamic',
      });
    }
    return held;
  }

  activeLeaseCount(): number {
    const now = this.now();
    let count = 0;
    for (const lease of this.store.all()) if (lease.expires > now) count++;
    return count;
  }

  /** Ends the lease on `address` (its name leaves DNS); false when none is held. */
  release(address: string): boolean {
    const lease = this.store.active(address);
    if (!lease) return false;
    this.bindings.end(lease, 'released by the API');
    return true;
  }

  /** Starts or stops answering clients (the pair's master serves, its
   *  standby does not). Starting rebuilds the pool from the leases held now,
   *  so replicated ones are never offered to anyone else. */
  serve(on: boolean): void {
    if (on && !this.serving) this.bindings.usePool(this.setup.pool);
    this.serving = on;
  }

  /** The leases as the pair's sync reads, applies and gates them. */
  get replicated(): ReplicatedLeases {
    return this.store;
  }

  private async open(port: number): Promise<Socket> {
    const socket = createSocket({ type: 'udp4' });
    await new Promise<void>((done, fail) => {
      socket.once('error', fail);
      socket.bind(port, '0.0.0.0', () => {
        socket.off('error', fail);
        done();
      });
    });
    socket.setBroadcast(true);
    try {
      socket.setRecvBufferSize(RECEIVE_BUFFER);
    } catch {
      // Capped by net.core.rmem_max: the default buffer still works.
    }
    socket.on('message', (bytes, from) => {
      if (!this.serving) return;
      this.arrived++;
      this.server.handle(bytes, from);
    });
    socket.on('error', (error) => this.log.error({ err: error }, 'DHCP socket error'));
    return socket;
  }

  /** Whether the last turn read a full batch, so more requests are queued. */
  private moreComing(): boolean {
    const full = this.arrived >= READS_PER_TURN;
    this.arrived = 0;
    return full;
  }

  private send(bytes: Uint8Array, address: string, port: number): void {
    this.socket?.send(bytes, port, address, (error) => {
      if (error) this.log.warn({ err: error, to: address, port }, 'DHCP reply not sent');
    });
  }
}
