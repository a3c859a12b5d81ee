import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../observe/log.ts';
import { freePort } from '../../../test/support/ports.ts';
import { eventually, FixedRole } from '../../../test/support/pair.ts';
import { channelKey } from './channel.ts';
import { DdnsReplicator, type PairDdns } from './ddns.ts';
import { PeerLink } from './link.ts';

const log = createLogger('silent');
const key = channelKey(randomBytes(32));
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** The updater's memory and whether it runs, as the sync sees them. */
class MemoryDdns implements PairDdns {
  active = true;
  entries: Record<string, unknown> = {};
  setActive(active: boolean): void {
    this.active = active;
  }
  remembered(): Record<string, unknown> {
    return structuredClone(this.entries);
  }
  async remember(entries: Record<string, unknown>): Promise<void> {
    this.entries = structuredClone(entries);
  }
}

describe('DDNS state in a pair', () => {
  it('runs the updater on the master only, and gives the standby its last confirmed addresses', async () => {
    const [a, b] = [
      { host: '127.0.0.1', port: await freePort() },
      { host: '127.0.0.1', port: await freePort() },
    ];
    const nodes = [
      [a, b, 'master'],
      [b, a, 'backup'],
    ] as const;
    const [master, standby] = await Promise.all(
      nodes.map(async ([self, peer, state]) => {
        const role = new FixedRole(state);
        const ddns = new MemoryDdns();
        const link = new PeerLink({ key, self, peer, log });
        const sync = new DdnsReplicator(link, role, ddns, log);
        cleanup.push(
          () => sync.stop(),
          () => link.stop(),
        );
        await link.start();
        return { role, ddns, sync };
      }),
    );
    expect([master!.ddns.active, standby!.ddns.active]).toEqual([true, false]);
    master!.ddns.entries = { 'confirmed:cloudflare/home.example.com:v4': { address: '203.0.113.7', at: 1, changedAt: 1 } };
    await eventually(() => standby!.ddns.entries['confirmed:cloudflare/home.example.com:v4'] !== undefined, 8_000);
    standby!.role.become('master', 'peer silent');
    standby!.sync.follow('master');
    expect(standby!.ddns.active).toBe(true);
  });
});
