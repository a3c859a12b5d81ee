// SIGHUP reloads the config and the files it names without closing sockets.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith, dig, type Running, startHearth } from './harness.ts';

const zone = (ip: string, extra = '') => `$TTL 60\n@ IN SOA ns admin ( 1 1h 15m 7d 60 )\nnas IN A ${ip}\n${extra}`;

async function until(check: () => Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((done) => setTimeout(done, 50));
  }
}

describeWith(['dig'])('reloading', () => {
  let hearth: Running;
  const nas = async () => (await dig(hearth.port, ['nas.home.lan', 'A'])).answer[0];

  beforeAll(async () => {
    hearth = await startHearth('dns:\n  listen: ["127.0.0.1:PORT"]\n  zones_dir: zones\n', { 'zones/home.lan.zone': zone('192.168.1.10') });
  });
  afterAll(() => hearth?.stop());

  it('serves a changed zone file after SIGHUP', async () => {
    writeFileSync(join(hearth.dir, 'zones/home.lan.zone'), zone('192.168.1.11'));
    hearth.signal('SIGHUP');
    await until(async () => (await nas()) === 'nas.home.lan. 60 IN A 192.168.1.11');
  });

  it('keeps serving the last good zone when the new file has an error, and says so', async () => {
    writeFileSync(join(hearth.dir, 'zones/home.lan.zone'), zone('192.168.1.12', 'bad IN A 999.1.1.1\n'));
    hearth.signal('SIGHUP');
    await until(async () => hearth.output().includes('still serving the version loaded before'));
    expect(await nas()).toBe('nas.home.lan. 60 IN A 192.168.1.11');
    expect(hearth.output()).toMatch(/home\.lan\.zone:4: .*999\.1\.1\.1/);
  });
});
