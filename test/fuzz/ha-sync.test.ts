// The sync protocol's handlers against random and mutated messages from an
// authenticated peer: every one gets a reply (a result or an error), none
// throws out of the link, and the connection stays up.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.ts';
import { LeaseStore } from '../../src/dhcp/leases.ts';
import { ZoneJournal } from '../../src/dns/update/journal.ts';
import { ZoneUpdater } from '../../src/dns/update/updater.ts';
import { channelKey } from '../../src/ha/sync/channel.ts';
import { ConfigReplicator } from '../../src/ha/sync/config.ts';
import { LeaseReplicator } from '../../src/ha/sync/leases.ts';
import { PeerLink } from '../../src/ha/sync/link.ts';
import { ZoneReplicator } from '../../src/ha/sync/zones.ts';
import { createLogger } from '../../src/observe/log.ts';
import { pairZones } from '../../src/pair-adapter.ts';
import { freePort } from '../support/ports.ts';
import { tempDir } from '../support/temp-dir.ts';
import { eventually, FixedRole } from '../support/pair.ts';
import { seededRandom } from '../support/random.ts';

const log = createLogger('silent');
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const TYPES = ['leases', 'lease-snapshot', 'config', 'zone-update', 'zone-serials', 'zone-overlays', 'clock', 'nope'];
const VALID: Record<string, unknown> = {
  leases: { changes: [{ kind: 'upsert', lease: { address: '10.0.0.5', client: '01aa', mac: 'aa:bb:cc:dd:ee:ff', remainingMs: 60_000 } }] },
  'lease-snapshot': { leases: [] },
  config: { node: 'pi-a', version: 1, hash: 'x', config: {} },
  'zone-update': { dir: 'zones', origin: 'home.lan.', serial: 2, present: [], absent: [] },
  'zone-overlays': { zones: [{ dir: 'zones', origin: 'home.lan.', serial: null, rows: [] }] },
};

function mutate(value: unknown, random: () => number): unknown {
  const pick = random();
  if (pick < 0.1) return null;
  if (pick < 0.2) return Math.floor(random() * 1e12) - 5e11;
  if (pick < 0.3) return 'x'.repeat(Math.floor(random() * 50));
  if (pick < 0.35) return [];
  if (Array.isArray(value)) return value.map((each) => mutate(each, random));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(() => random() > 0.1)
        .map(([key, each]) => [key, random() < 0.5 ? mutate(each, random) : each]),
    );
  }
  return value;
}

describe('the sync protocol under random messages', () => {
  it('answers every message and keeps the link up', async () => {
    const [a, b] = [
      { host: '127.0.0.1', port: await freePort() },
      { host: '127.0.0.1', port: await freePort() },
    ];
    const key = channelKey(randomBytes(32));
    const sender = new PeerLink({ key, self: a, peer: b, log });
    const receiver = new PeerLink({ key, self: b, peer: a, log });
    const role = new FixedRole('backup');
    const dir = tempDir();
    const store = new LeaseStore(dir, log);
    const journal = new ZoneJournal(dir);
    let config: Config = configSchema.parse({ data_dir: dir });
    const leases = new LeaseReplicator(receiver, role, log);
    leases.use(store);
    new ConfigReplicator({
      link: receiver,
      role,
      log,
      nodeId: 'pi-b',
      dataDir: dir,
      config: {
        current: () => config,
        version: () => 1,
        adopt: async (next) => {
          config = configSchema.parse(next);
        },
      },
    });
    const zones = new ZoneReplicator(
      receiver,
      role,
      pairZones(journal, new ZoneUpdater(journal, log), () => new Map()),
      async () => undefined,
      log,
    );
    cleanup.push(
      () => store.close(),
      () => journal.close(),
      () => leases.stop(),
      () => zones.stop(),
      () => sender.stop(),
      () => receiver.stop(),
    );
    await sender.start();
    await receiver.start();
    await eventually(() => sender.isUp && receiver.isUp);
    const random = seededRandom(2026);
    let answered = 0;
    for (let i = 0; i < 2_000; i++) {
      const type = TYPES[Math.floor(random() * TYPES.length)]!;
      const body = mutate(VALID[type] ?? {}, random);
      await sender.request(type, body, 5_000).then(
        () => answered++,
        (error: Error) => {
          expect(error.message).not.toMatch(/no reply|closed/);
          answered++;
        },
      );
    }
    expect(answered).toBe(2_000);
    expect(sender.isUp && receiver.isUp).toBe(true);
  });
});
