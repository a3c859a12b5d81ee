import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaseStore, type Lease } from '../../src/dhcp/leases.ts';
import { createLogger } from '../../src/observe/log.ts';
import { freePort } from '../support/ports.ts';
import { tempDir } from '../support/temp-dir.ts';
import { eventually, FixedRole } from '../support/pair.ts';
import { channelKey } from '../../src/ha/sync/channel.ts';
import { LeaseReplicator } from '../../src/ha/sync/leases.ts';
import { PeerLink, type Endpoint } from '../../src/ha/sync/link.ts';

const log = createLogger('silent');
const key = channelKey(randomBytes(32));
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

interface Node {
  readonly role: FixedRole;
  readonly store: LeaseStore;
  readonly link: PeerLink;
  readonly sync: LeaseReplicator;
}

async function node(self: Endpoint, peer: Endpoint, state: 'master' | 'backup', now: () => number = Date.now): Promise<Node> {
  const role = new FixedRole(state);
  const store = new LeaseStore(tempDir(), log, { now });
  const link = new PeerLink({ key, self, peer, log });
  const sync = new LeaseReplicator(link, role, log, now);
  sync.use(store);
  cleanup.push(
    () => store.close(),
    () => sync.stop(),
    () => link.stop(),
  );
  await link.start();
  return { role, store, link, sync };
}

async function pair(clocks: [() => number, () => number] = [Date.now, Date.now]) {
  const a = { host: '127.0.0.1', port: await freePort() };
  const b = { host: '127.0.0.1', port: await freePort() };
  const master = await node(a, b, 'master', clocks[0]);
  const backup = await node(b, a, 'backup', clocks[1]);
  await eventually(() => master.link.isUp && backup.link.isUp);
  return { master, backup };
}

function lease(n: number, now = Date.now(), seconds = 3600): Lease {
  const hex = n.toString(16).padStart(4, '0');
  return {
    address: `10.0.${n >> 8}.${n & 255}`,
    client: `01aabbcc${hex}`,
    mac: `aa:bb:cc:00:${hex.slice(0, 2)}:${hex.slice(2)}`,
    clientId: undefined,
    hostname: `host${n}`,
    expires: now + seconds * 1000,
  };
}

/** Puts a lease the way the DHCP server does; resolves when the client would get its ACK. */
function ack(store: LeaseStore, given: Lease): Promise<boolean> {
  return new Promise((done) => void store.put(given, done));
}

describe('DHCP lease replication', () => {
  it('has every lease on the standby before the client gets its ACK', async () => {
    const { master, backup } = await pair();
    for (let n = 1; n <= 50; n++) {
      const given = lease(n);
      expect(await ack(master.store, given)).toBe(true);
      expect(backup.store.get(given.address)).toMatchObject({ client: given.client, hostname: `host${n}` });
    }
    expect(master.sync.status()).toMatchObject({ replicated: 50, unconfirmed: 0 });
  });

  it('ACKs anyway when the standby is gone, marks it stale, and catches it up when it is back', async () => {
    const { master, backup } = await pair();
    await backup.link.stop();
    await eventually(() => !master.link.isUp);
    const given = lease(7);
    expect(await ack(master.store, given)).toBe(true);
    expect(master.sync.status().stale).toBe(true);
    // The standby comes back (a new process on the same address).
    const again = await node(
      { host: '127.0.0.1', port: (backup.link as unknown as { options: { self: Endpoint } }).options.self.port },
      (master.link as unknown as { options: { self: Endpoint } }).options.self,
      'backup',
    );
    await eventually(() => again.store.get(given.address) !== undefined);
    await eventually(() => !master.sync.status().stale);
  });

  it('sends lease ends as durations, so a skewed clock keeps the lease length', async () => {
    const hour = 3_600_000;
    const { master, backup } = await pair([() => Date.now() + hour, Date.now]);
    const given = lease(3, Date.now() + hour, 600);
    await ack(master.store, given);
    const there = backup.store.get(given.address)!;
    expect(Math.abs(there.expires - (Date.now() + 600_000))).toBeLessThan(5_000);
  });

  it('catches up a wiped standby with the full table of 10,000 leases', async () => {
    const a = { host: '127.0.0.1', port: await freePort() };
    const b = { host: '127.0.0.1', port: await freePort() };
    const master = await node(a, b, 'master');
    const now = Date.now();
    await Promise.all(Array.from({ length: 10_000 }, (_, n) => ack(master.store, lease(n + 1, now))));
    const backup = await node(b, a, 'backup');
    await eventually(() => master.sync.status().lastSnapshot?.leases === 10_000, 20_000);
    expect([...backup.store.all()].length).toBe(10_000);
    expect(backup.store.get('10.0.39.16')?.client).toBe(lease(10_000).client);
  });

  it('merges after a partition: the newer binding of an address wins, the conflict is counted, and both keep the rest', async () => {
    const { master, backup } = await pair();
    await backup.link.stop();
    await eventually(() => !master.link.isUp);
    backup.role.become('master', 'peer silent');
    const now = Date.now();
    // Both served alone: one address to two clients, and a client each that the other never saw.
    await ack(master.store, { ...lease(1, now - 60_000), client: 'old-client' });
    await ack(master.store, lease(2, now));
    await ack(backup.store, { ...lease(1, now), client: 'new-client' });
    await ack(backup.store, lease(3, now));
    // Heal: the election makes the second node the standby again.
    backup.role.become('backup', 'higher priority master heard');
    await backup.link.start();
    await eventually(() => master.sync.status().conflicts === 1 && backup.store.get('10.0.0.2') !== undefined);
    await eventually(() => backup.store.get('10.0.0.1')?.client === 'new-client' && master.store.get('10.0.0.1')?.client === 'new-client');
    for (const address of ['10.0.0.2', '10.0.0.3']) {
      expect(master.store.get(address)).toBeDefined();
      expect(backup.store.get(address)).toBeDefined();
    }
  });
});
