// The service over a real UDP socket on loopback: replies that would be
// broadcast on a LAN go to 127.0.0.1 here.
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../test/support/ports.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { createLogger } from '../observe/log.ts';
import { dhcpSchema } from './config.ts';
import { DhcpService } from './dhcp-service.ts';
import { decodePacket, type DhcpPacket } from './packet.ts';
import { MemoryRegistry, TestClient } from '../../test/support/dhcp-server.ts';

const phone = new TestClient('02:00:00:00:00:02', [[12, Buffer.from('phone')]]);
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A client socket on 127.0.0.1:<port + 1> that asks the server on <port>. */
async function clientSocket(port: number): Promise<{ ask: (bytes: Uint8Array) => Promise<DhcpPacket> }> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((done) => socket.bind(port + 1, '127.0.0.1', done));
  cleanup.push(() => new Promise<void>((done) => socket.close(() => done())));
  return {
    ask: (bytes) =>
      new Promise((done, fail) => {
        const timer = setTimeout(() => fail(new Error('no reply')), 2000);
        socket.once('message', (reply) => {
          clearTimeout(timer);
          const decoded = decodePacket(reply);
          if (decoded.ok) done(decoded.packet);
          else fail(new Error(decoded.reason));
        });
        socket.send(bytes, port, '127.0.0.1');
      }),
  };
}

async function service(port: number, dataDir = tempDir(), registry = new MemoryRegistry(), config: Record<string, unknown> = {}) {
  const dhcp = new DhcpService({
    config: dhcpSchema.parse({ enabled: true, interface: 'lo', port, ...config }),
    dataDir,
    registry,
    log: createLogger('silent'),
    broadcastAddress: '127.0.0.1',
  });
  await dhcp.start();
  cleanup.push(() => dhcp.stop());
  return dhcp;
}

async function dora(client: { ask: (bytes: Uint8Array) => Promise<DhcpPacket> }): Promise<DhcpPacket> {
  const offer = await client.ask(phone.discover());
  return client.ask(phone.select(offer.yiaddr));
}

describe('DhcpService on a UDP socket', () => {
  it('leases over the socket, lists the lease, and releases it from the API', async () => {
    const port = await freePort();
    const registry = new MemoryRegistry();
    const dhcp = await service(port, tempDir(), registry);
    const ack = await dora(await clientSocket(port));
    expect(ack.messageType).toBe('ACK');
    expect(dhcp.activeLeaseCount()).toBe(1);
    expect(dhcp.leases()).toEqual([expect.objectContaining({ address: ack.yiaddr, mac: '02:00:00:00:00:02', hostname: 'phone.home.lan', kind: 'dynamic' })]);
    expect(registry.names.get('phone.home.lan')).toBe(ack.yiaddr);
    expect(dhcp.release(ack.yiaddr)).toBe(true);
    expect(dhcp.release(ack.yiaddr)).toBe(false);
    expect(dhcp.leases()).toEqual([]);
    expect(registry.names.size).toBe(0);
  });

  it('takes new static leases without a restart, and rebinds only when the port changes', async () => {
    const port = await freePort();
    const dhcp = await service(port);
    const client = await clientSocket(port);
    await dora(client);
    await dhcp.reconfigure(dhcpSchema.parse({ enabled: true, interface: 'lo', port, static_leases: [{ mac: '02:00:00:00:00:02', ip: '192.168.1.10' }] }));
    expect((await client.ask(phone.renew('192.168.1.100'))).messageType).toBe('NAK');
    expect((await dora(client)).yiaddr).toBe('192.168.1.10');
    expect(dhcp.leases()[0]).toMatchObject({ address: '192.168.1.10', kind: 'static' });

    const other = await freePort();
    await dhcp.reconfigure(dhcpSchema.parse({ enabled: true, interface: 'lo', port: other }));
    expect((await dora(await clientSocket(other))).messageType).toBe('ACK');
  });

  it('keeps its leases across a stop and start', async () => {
    const port = await freePort();
    const dataDir = tempDir();
    const first = await service(port, dataDir);
    const ack = await dora(await clientSocket(port));
    await first.stop();
    const again = await service(port, dataDir);
    expect(again.leases().map((held) => held.address)).toEqual([ack.yiaddr]);
  });

  it("puts a live lease's name back into DNS on start, as after a crash between the lease and its name", async () => {
    const port = await freePort();
    const dataDir = tempDir();
    const first = await service(port, dataDir);
    const ack = await dora(await clientSocket(port));
    await first.stop();
    const emptyZone = new MemoryRegistry();
    await service(port, dataDir, emptyZone);
    expect(emptyZone.names.get('phone.home.lan')).toBe(ack.yiaddr);
  });

  it('refuses a config it cannot serve, naming the key', () => {
    const config = dhcpSchema.parse({ interface: 'no-such-interface' });
    expect(() => new DhcpService({ config, dataDir: tempDir(), registry: new MemoryRegistry(), log: createLogger('silent') })).toThrow(/dhcp.interface/);
  });
});
