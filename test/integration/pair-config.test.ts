import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../src/config/schema.ts';
import { createLogger } from '../../src/observe/log.ts';
import { freePort } from '../support/ports.ts';
import { tempDir } from '../support/temp-dir.ts';
import { eventually, FixedRole } from '../support/pair.ts';
import { channelKey } from '../../src/ha/sync/channel.ts';
import { ConfigReplicator, type PairConfig } from '../../src/ha/sync/config.ts';
import { PeerLink, type Endpoint } from '../../src/ha/sync/link.ts';

const log = createLogger('silent');
const key = channelKey(randomBytes(32));
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A node's config in memory, numbered as the store numbers it. */
class MemoryConfig implements PairConfig {
  config: Config;
  private number = 1;
  constructor(nodeId: string, rules: string[]) {
    this.config = configSchema.parse({ data_dir: tempDir(), ha: { node_id: nodeId }, dns: { cloaking: { rules } } });
  }
  current(): Config {
    return this.config;
  }
  version(): number {
    return this.number;
  }
  async adopt(config: unknown, version: number): Promise<void> {
    this.config = configSchema.parse(config);
    this.number = version;
  }
  edit(rules: string[]): void {
    this.config = { ...this.config, dns: { ...this.config.dns, cloaking: { ...this.config.dns.cloaking, rules } } };
    this.number++;
  }
}

async function node(nodeId: string, self: Endpoint, peer: Endpoint, state: 'master' | 'backup', rules: string[]) {
  const config = new MemoryConfig(nodeId, rules);
  const role = new FixedRole(state);
  const link = new PeerLink({ key, self, peer, log });
  const sync = new ConfigReplicator({ link, role, config, log, nodeId, dataDir: config.config.data_dir });
  cleanup.push(() => link.stop());
  await link.start();
  return { config, role, link, sync };
}

/** A master with one cloaking rule and a standby that has taken its config. */
async function syncedPair() {
  const [a, b] = [
    { host: '127.0.0.1', port: await freePort() },
    { host: '127.0.0.1', port: await freePort() },
  ];
  const master = await node('pi-a', a, b, 'master', ['nas.lan 192.168.1.10']);
  const backup = await node('pi-b', b, a, 'backup', []);
  await eventually(() => backup.sync.status().inSync && backup.sync.status().hash === master.sync.status().hash);
  return { master, backup };
}

describe('config sync', () => {
  it('keeps the losing side of a change made on both nodes during a partition in a conflict file', async () => {
    const { master, backup } = await syncedPair();
    expect(backup.config.config.dns.cloaking.rules).toEqual(['nas.lan 192.168.1.10']);
    // Apart: one change on the master, two on the standby (which acted as master).
    await backup.link.stop();
    master.config.edit(['nas.lan 192.168.1.10', 'tv.lan 192.168.1.50']);
    backup.config.edit(['nas.lan 192.168.1.11']);
    backup.config.edit(['nas.lan 192.168.1.12']);
    await backup.link.start();
    master.sync.changed();
    await eventually(() => master.sync.status().conflictFiles.length === 1 && master.sync.status().hash === backup.sync.status().hash);
    expect(master.config.config.dns.cloaking.rules).toEqual(['nas.lan 192.168.1.12']);
    expect(master.config.config.ha.node_id).toBe('pi-a');
    const kept = JSON.parse(readFileSync(master.sync.status().conflictFiles[0]!, 'utf8')) as Config;
    expect(kept.dns.cloaking.rules).toContain('tv.lan 192.168.1.50');
    expect(master.sync.status().version).toBe(backup.sync.status().version);
  });

  it('takes a change made on the standby (a file edited there) to the master', async () => {
    const { master, backup } = await syncedPair();
    backup.config.edit(['nas.lan 192.168.1.10', 'printer.lan 192.168.1.20']);
    backup.sync.changed();
    await eventually(() => master.config.config.dns.cloaking.rules.includes('printer.lan 192.168.1.20'));
    expect(master.sync.status().conflictFiles).toEqual([]);
    expect(master.sync.status().version).toBe(backup.sync.status().version);
  });
});
