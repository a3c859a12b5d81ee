// A DHCP server for tests: the real state machine, lease store and pool on a
// temporary directory, a clock the test moves, an in-memory host registry,
// and the replies it sends collected instead of put on a socket.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { tempDir } from './temp-dir.ts';
import type { Name } from '../../src/dns/record.ts';
import { ipv4Bytes } from '../../src/net/address.ts';
import { createLogger, type Logger } from '../../src/observe/log.ts';
import { Bindings } from '../../src/dhcp/bindings.ts';
import { dhcpSchema, type DhcpConfig } from '../../src/dhcp/config.ts';
import { LeaseStore } from '../../src/dhcp/leases.ts';
import type { HostRegistry } from '../../src/dhcp/names.ts';
import { Option } from '../../src/dhcp/options.ts';
import { clientPacket } from './dhcp-packets.ts';
import { decodePacket, type DhcpPacket, type PacketHeader } from '../../src/dhcp/packet.ts';
import { DhcpServer } from '../../src/dhcp/server.ts';
import { dhcpSetup } from '../../src/dhcp/setup.ts';

/** A zone in a map: a name is held by its first address until unregistered. */
export class MemoryRegistry implements HostRegistry {
  readonly names = new Map<Name, string>();

  register(fqdn: Name, address: string): boolean {
    const held = this.names.get(fqdn);
    if (held !== undefined && held !== address) return false;
    this.names.set(fqdn, address);
    return true;
  }

  unregister(fqdn: Name, address: string): void {
    if (this.names.get(fqdn) === address) this.names.delete(fqdn);
  }
}

export interface Sent {
  readonly packet: DhcpPacket;
  readonly address: string;
  readonly port: number;
}

export interface FixtureOptions {
  readonly dir?: string;
  readonly registry?: MemoryRegistry;
  readonly log?: Logger;
}

export const BROADCAST = '192.0.2.255';
export const START = Date.UTC(2026, 0, 1);

export class TestServer {
  readonly dir: string;
  readonly registry: MemoryRegistry;
  readonly log: Logger;
  readonly store: LeaseStore;
  readonly bindings: Bindings;
  readonly server: DhcpServer;
  readonly sent: Sent[] = [];
  config: DhcpConfig;
  clock = START;
  /** Called as each reply is sent, before it is recorded. */
  onSend: ((sent: Sent) => void) | undefined;

  constructor(config: Record<string, unknown> = {}, { dir = tempDir(), registry = new MemoryRegistry(), log = createLogger('silent') }: FixtureOptions = {}) {
    this.dir = dir;
    this.registry = registry;
    this.log = log;
    this.config = dhcpSchema.parse({ interface: 'lo', port: 6700, range: ['192.168.1.100', '192.168.1.109'], router: '192.168.1.1', ...config });
    const now = () => this.clock;
    const setup = dhcpSetup(this.config, log);
    this.store = new LeaseStore(dir, log, { now });
    this.bindings = new Bindings(this.store, setup.pool, registry, log, now);
    this.server = new DhcpServer({
      setup,
      bindings: this.bindings,
      log,
      now,
      broadcastAddress: BROADCAST,
      send: (bytes, address, port) => {
        const decoded = decodePacket(bytes);
        if (!decoded.ok) throw new Error(`the server sent a malformed packet: ${decoded.reason}`);
        const sent = { packet: decoded.packet, address, port };
        this.onSend?.(sent);
        this.sent.push(sent);
      },
    });
  }

  /** Hands `bytes` to the server and returns what it sent once this turn's leases are committed. */
  async exchange(bytes: Uint8Array): Promise<Sent[]> {
    const before = this.sent.length;
    this.server.handle(bytes);
    await new Promise((done) => setImmediate(done));
    return this.sent.slice(before);
  }

  reconfigure(config: Record<string, unknown>): void {
    this.config = dhcpSchema.parse({ ...this.config, ...config });
    const setup = dhcpSetup(this.config, this.log);
    this.server.reconfigure(setup);
    this.bindings.usePool(setup.pool);
  }

  /** The server as after a restart: same directory and registry, fresh memory. */
  restart(): TestServer {
    this.store.close();
    const again = new TestServer(this.config, { dir: this.dir, registry: this.registry, log: this.log });
    again.clock = this.clock;
    return again;
  }

  close(): void {
    this.store.close();
  }
}

/** A logger that keeps its lines from `level` up, for tests to read. */
export function capturingLogger(level: 'warn' | 'error'): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = pino(
    { level },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  return { log, lines };
}

/** Client message options, as [code, value] pairs. */
type Options = readonly (readonly [number, ArrayLike<number>])[];

/** A test client: its MAC, and the messages it sends. */
export class TestClient {
  readonly chaddr: Uint8Array;
  private readonly extra: Options;

  /** `extra`: options sent in every message (e.g. a client identifier, a hostname). */
  constructor(mac: string, extra: Options = []) {
    this.chaddr = Uint8Array.from(mac.split(':').map((byte) => parseInt(byte, 16)));
    this.extra = extra;
  }

  discover(options: Options = [], header: Partial<PacketHeader> = {}): Uint8Array {
    return clientPacket('DISCOVER', [...this.extra, ...options], { chaddr: this.chaddr, ...header });
  }

  /** SELECTING: the offer of `server` for `address` is taken. */
  select(address: string, server = '127.0.0.1', header: Partial<PacketHeader> = {}): Uint8Array {
    return clientPacket('REQUEST', [...this.extra, [Option.SERVER_ID, ip(server)], [Option.REQUESTED_ADDRESS, ip(address)]], {
      chaddr: this.chaddr,
      ...header,
    });
  }

  /** INIT-REBOOT: the client asks to keep `address`. */
  reboot(address: string, header: Partial<PacketHeader> = {}): Uint8Array {
    return clientPacket('REQUEST', [...this.extra, [Option.REQUESTED_ADDRESS, ip(address)]], { chaddr: this.chaddr, ...header });
  }

  /** RENEWING or REBINDING from `address`. */
  renew(address: string): Uint8Array {
    return clientPacket('REQUEST', this.extra, { chaddr: this.chaddr, ciaddr: address });
  }

  decline(address: string): Uint8Array {
    return clientPacket('DECLINE', [...this.extra, [Option.SERVER_ID, ip('127.0.0.1')], [Option.REQUESTED_ADDRESS, ip(address)]], { chaddr: this.chaddr });
  }

  release(address: string): Uint8Array {
    return clientPacket('RELEASE', [...this.extra, [Option.SERVER_ID, ip('127.0.0.1')]], { chaddr: this.chaddr, ciaddr: address });
  }

  inform(address: string): Uint8Array {
    return clientPacket('INFORM', this.extra, { chaddr: this.chaddr, ciaddr: address });
  }
}

export function ip(text: string): Uint8Array {
  const bytes = ipv4Bytes(text);
  if (!bytes) throw new Error(`not an address: ${text}`);
  return bytes;
}

/** DISCOVER, then REQUEST the offered address: the ACK. */
export async function lease(server: TestServer, client: TestClient): Promise<Sent> {
  const [offer] = await server.exchange(client.discover());
  if (offer?.packet.messageType !== 'OFFER') throw new Error('no OFFER');
  const [ack] = await server.exchange(client.select(offer.packet.yiaddr));
  if (ack?.packet.messageType !== 'ACK') throw new Error(`no ACK but ${ack?.packet.messageType}`);
  return ack;
}
