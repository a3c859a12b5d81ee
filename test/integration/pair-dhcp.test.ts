// The pair's DHCP as a client sees it: only the master answers; after the
// master dies, the standby (now master) knows the client's lease and ACKs
// its address again at once. Two DhcpServices on loopback (their own ports
// and data dirs), the election's role set by the test.
import { createSocket, type Socket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { dhcpSchema } from '../../src/dhcp/config.ts';
import { DhcpService } from '../../src/dhcp/dhcp-service.ts';
import { decodePacket, type DhcpPacket } from '../../src/dhcp/packet.ts';
import { MemoryRegistry, TestClient } from '../support/dhcp-server.ts';
import { createLogger } from '../../src/observe/log.ts';
import { freePort } from '../support/ports.ts';
import { tempDir } from '../support/temp-dir.ts';
import { eventually, FixedRole } from '../support/pair.ts';
import { generatePairSecret } from '../../src/ha/secret.ts';
import { ZoneJournal } from '../../src/dns/update/journal.ts';
import { ZoneUpdater } from '../../src/dns/update/updater.ts';
import { PairSync } from '../../src/ha/sync/pair-sync.ts';
import { pairZones } from '../../src/pair-adapter.ts';

const log = createLogger('silent');
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const VIP = '192.168.1.53';
const secretFile = join(tempDir(), 'ha.key');
writeFileSync(secretFile, generatePairSecret());

async function node(name: string, state: 'master' | 'backup', sync: number, peer: number) {
  const config = configSchema.parse({
    data_dir: tempDir(),
    ha: { enabled: true, node_id: name, vip: `${VIP}/24`, listen: `127.0.0.1:${sync}`, peers: [`127.0.0.1:${peer}`], secret_file: secretFile },
  });
  const role = new FixedRole(state);
  const journal = new ZoneJournal(config.data_dir);
  cleanup.push(() => journal.close());
  const zones = pairZones(journal, new ZoneUpdater(journal, log), () => new Map());
  const parts = {
    config: { current: () => config, version: () => 1, adopt: async () => undefined },
    zones,
    ddns: { setActive: () => undefined, remembered: () => ({}), remember: async () => undefined },
    reload: async () => undefined,
  };
  const pair = (await PairSync.start({ state: parts, role, log }))!;
  const port = await freePort();
  const dhcp = new DhcpService({
    config: dhcpSchema.parse({ enabled: true, interface: 'lo', port }),
    dataDir: config.data_dir,
    registry: new MemoryRegistry(),
    log,
    broadcastAddress: '127.0.0.1',
    vip: VIP,
  });
  pair.useDhcp(dhcp);
  await dhcp.start();
  const stop = async () => {
    await pair.stop();
    await dhcp.stop();
  };
  cleanup.push(stop);
  return { role, pair, dhcp, port, stop };
}

describe('DHCP in a pair', () => {
  it('is served by the master alone as the VIP, and after a takeover the client keeps its address', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const master = await node('pi-a', 'master', a, b);
    const standby = await node('pi-b', 'backup', b, a);
    await eventually(() => master.pair.status().connected && !master.pair.status().leases.stale);
    // Replies go to <server port + 1>: each server gets a client socket on its own reply port.
    const phone = new TestClient('02:00:00:00:00:07');
    const [toMaster, toStandby] = [await bound(master.port + 1), await bound(standby.port + 1)];
    const offer = (await toMaster.ask(phone.discover(), master.port))!;
    // Option 54 is the VIP: the client's renewals go to whichever node holds it.
    expect(offer.options.serverId()).toBe(VIP);
    const ack = (await toMaster.ask(phone.select(offer.yiaddr, VIP), master.port))!;
    expect(ack.messageType).toBe('ACK');
    expect(await toStandby.ask(phone.discover(), standby.port)).toBeUndefined();
    expect(standby.dhcp.leases()).toEqual([expect.objectContaining({ address: ack.yiaddr, mac: '02:00:00:00:00:07' })]);

    await master.stop(); // kill: no goodbye
    standby.role.become('master', 'peer silent for 800 ms');
    const again = await toStandby.ask(phone.reboot(ack.yiaddr), standby.port);
    expect(again).toMatchObject({ messageType: 'ACK', yiaddr: ack.yiaddr });
  });
});

async function bound(port: number) {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((done) => socket.bind(port, '127.0.0.1', done));
  cleanup.push(() => new Promise<void>((done) => socket.close(() => done())));
  return {
    ask: (bytes: Uint8Array, to: number) =>
      new Promise<DhcpPacket | undefined>((done) => {
        const timer = setTimeout(() => {
          socket.removeAllListeners('message');
          done(undefined);
        }, 1_000);
        socket.once('message', (reply) => {
          clearTimeout(timer);
          const decoded = decodePacket(reply);
          done(decoded.ok ? decoded.packet : undefined);
        });
        socket.send(bytes, to, '127.0.0.1');
      }),
  };
}
