// Two hearth nodes of a pair, in this process, on loopback with their own
// data dirs and ports; the election's role is set by the test (FixedRole).
// What a user sees: a change made on the master answers on the standby's
// own address, and both report the same config version and hash.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Hearth } from '../../src/app.ts';
import { ConfigStore } from '../../src/config/store.ts';
import { generatePairSecret } from '../../src/ha/secret.ts';
import { createLogger } from '../../src/observe/log.ts';
import { eventually, FixedRole } from '../support/pair.ts';
import { freePort } from '../support/ports.ts';
import { tempDir } from '../support/temp-dir.ts';
import { describeWith } from '../support/tools.ts';
import { dig } from './harness.ts';

interface Node {
  readonly hearth: Hearth;
  readonly store: ConfigStore;
  readonly role: FixedRole;
  readonly dns: number;
  readonly api: number;
  readonly dir: string;
}

const secretFile = join(tempDir(), 'ha.key');
writeFileSync(secretFile, generatePairSecret());
const TOKEN = 'one-token-for-the-house-0123456789';
const TSIG = 'c2VjcmV0LWtleS1mb3ItaGVhcnRoLXRlc3RzLTMyYnk=';
// Both nodes name the same zones_dir (the pair shares paths, as the config);
// here it is one directory, as it would be the same files on both Pis.
const zonesDir = tempDir();
writeFileSync(
  join(zonesDir, 'home.lan.zone'),
  `$TTL 300
@ IN SOA ns hostmaster ( 100 1h 15m 7d 60 )
@ NS ns
ns A 192.168.1.53
`,
);

function nsupdate(port: number, commands: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = execFile('nsupdate', ['-t', '5', '-y', `hmac-sha256:ddns-key:${TSIG}`], (error, stdout, stderr) =>
      error ? fail(new Error(stderr)) : done(stdout),
    );
    child.stdin!.end([`server 127.0.0.1 ${port}`, ...commands, 'send', ''].join('\n'));
  });
}

/** A list host on loopback that counts its downloads. */
let downloads = 0;
const listHost = createServer((request, response) => {
  downloads++;
  response.end('ads.tracker.example\n');
});

async function node(name: string, state: 'master' | 'backup', sync: number, peer: number, rules: string[] = [], lists: string[] = []): Promise<Node> {
  const dir = tempDir();
  const [dns, api] = [await freePort(), await freePort()];
  // The standby starts with a token of its own: the master's replaces it.
  writeFileSync(join(dir, 'api.token'), `${state === 'master' ? TOKEN : 'the-standby-s-own-token-987654'}\n`, { mode: 0o600 });
  writeFileSync(
    join(dir, 'hearth.yaml'),
    `# ${name}: its own addresses, the house's config
data_dir: ${dir}/data
dns:
  listen: ["127.0.0.1:${dns}"]
  blocking: { lists: ${JSON.stringify(lists)} }
  cloaking: { rules: ${JSON.stringify(rules)} }
  zones_dir: ${zonesDir}
dns_update:
  keys: [{ name: ddns-key, algorithm: hmac-sha256, secret: "${TSIG}", zones: [home.lan] }]
api: { listen: "127.0.0.1:${api}", token_file: ${dir}/api.token }
ha:
  enabled: true
  node_id: ${name}
  vip: 127.0.0.53/8
  listen: "127.0.0.1:${sync}"
  peers: ["127.0.0.1:${peer}"]
  secret_file: ${secretFile}
`,
  );
  const loaded = ConfigStore.load(join(dir, 'hearth.yaml'));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const role = new FixedRole(state);
  const hearth = await Hearth.start(loaded.store, createLogger('silent'), { role });
  return { hearth, store: loaded.store, role, dns, api, dir };
}

/** The admin API of `node`, with the house's token. */
function api(node: Node, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${node.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describeWith(['dig', 'nsupdate'])('a pair keeps one state', () => {
  let master: Node;
  let backup: Node;

  beforeAll(async () => {
    const [a, b] = [await freePort(), await freePort()];
    await new Promise<void>((done) => listHost.listen(0, '127.0.0.1', done));
    const list = `http://127.0.0.1:${(listHost.address() as AddressInfo).port}/ads.txt`;
    master = await node('pi-a', 'master', a, b, ['printer.lan 192.168.1.40'], [list]);
    backup = await node('pi-b', 'backup', b, a);
  });
  let masterStopped = false;
  afterAll(async () => {
    if (!masterStopped) await master?.hearth.stop();
    await backup?.hearth.stop();
    listHost.close();
  });

  it("brings a standby that started with another config to the master's, keeping its own addresses", async () => {
    await eventually(async () => (await dig(backup.dns, ['printer.lan', 'A'])).answer.length === 1);
    expect((await dig(backup.dns, ['printer.lan', 'A'])).answer[0]).toMatch(/^printer\.lan\. \d+ IN A 192\.168\.1\.40$/);
    expect(backup.store.current.dns.listen).toEqual([`127.0.0.1:${backup.dns}`]);
    expect(backup.store.current.ha.node_id).toBe('pi-b');
    const [m, s] = [master.hearth.pairSync()!, backup.hearth.pairSync()!];
    expect(s.config.hash).toBe(m.config.hash);
    expect(s.config.version).toBe(m.config.version);
  });

  it("blocks with the master's copy of a downloaded list (downloaded once for the house) and takes its API token", async () => {
    await eventually(
      async () =>
        (await dig(backup.dns, ['ads.tracker.example', 'A'])).status === 'NXDOMAIN' ||
        (await dig(backup.dns, ['ads.tracker.example', 'A'])).answer.some((line) => / 0\.0\.0\.0$/.test(line)),
    );
    expect(downloads).toBe(1);
    await eventually(async () => (await fetch(`http://127.0.0.1:${backup.api}/config`, { headers: { authorization: `Bearer ${TOKEN}` } })).status === 200);
  });

  it("shows a config change made on the master on the standby's own address", async () => {
    const config = (await (await api(master, 'GET', '/config')).json()) as { dns: { cloaking: { rules: string[] } } };
    config.dns.cloaking.rules.push('tv.lan 192.168.1.50');
    expect((await api(master, 'PUT', '/config', config)).status).toBe(200);
    await eventually(async () => (await dig(backup.dns, ['tv.lan', 'A'])).answer.length === 1, 2_000);
    await eventually(() => backup.hearth.pairSync()!.config.version === master.hearth.pairSync()!.config.version);
    expect(backup.hearth.pairSync()!.config.hash).toBe(master.hearth.pairSync()!.config.hash);
    expect(backup.store.current.api.listen).toBe(`127.0.0.1:${backup.api}`);
  });

  it("answers a name added with nsupdate on the master on the standby's own address", async () => {
    await nsupdate(master.dns, ['update add laptop.home.lan 300 A 192.168.1.77']);
    await eventually(async () => (await dig(backup.dns, ['+norec', 'laptop.home.lan', 'A'])).answer.length === 1, 2_000);
    expect((await dig(backup.dns, ['+norec', 'laptop.home.lan', 'A'])).answer).toEqual(['laptop.home.lan. 300 IN A 192.168.1.77']);
    const soa = async (port: number) => (await dig(port, ['+norec', 'home.lan', 'SOA'])).answer;
    expect(await soa(backup.dns)).toEqual(await soa(master.dns));
  });

  it('forwards an UPDATE sent to the standby to the master, and answers with its result', async () => {
    await nsupdate(backup.dns, ['update add tablet.home.lan 300 A 192.168.1.78']);
    expect((await dig(master.dns, ['+norec', 'tablet.home.lan', 'A'])).answer).toEqual(['tablet.home.lan. 300 IN A 192.168.1.78']);
    await eventually(async () => (await dig(backup.dns, ['+norec', 'tablet.home.lan', 'A'])).answer.length === 1, 2_000);
  });

  it("forwards a config change made through the standby's API to the master, which syncs it back", async () => {
    const config = (await (await api(backup, 'GET', '/config')).json()) as { dns: { cloaking: { rules: string[] } } };
    config.dns.cloaking.rules.push('camera.lan 192.168.1.60');
    const answer = await api(backup, 'PUT', '/config', config);
    expect(answer.status).toBe(200);
    expect(master.store.current.dns.cloaking.rules).toContain('camera.lan 192.168.1.60');
    // The standby's own addresses came with the body; the master kept its own.
    expect(master.store.current.dns.listen).toEqual([`127.0.0.1:${master.dns}`]);
    expect(master.store.current.data_dir).toBe(`${master.dir}/data`);
    await eventually(async () => (await dig(backup.dns, ['camera.lan', 'A'])).answer.length === 1, 2_000);
    expect(backup.store.current.dns.listen).toEqual([`127.0.0.1:${backup.dns}`]);
  });

  it('answers a write clearly when the master is gone: 503 naming it, SERVFAIL to an UPDATE', async () => {
    await master.hearth.stop();
    masterStopped = true;
    await eventually(() => !backup.hearth.pairSync()!.connected);
    const answer = await fetch(`http://127.0.0.1:${backup.api}/cache/flush`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({ error: 'master_unreachable', message: expect.stringMatching(/master at 127\.0\.0\.1:\d+/) });
    await expect(nsupdate(backup.dns, ['update add gone.home.lan 300 A 192.168.1.79'])).rejects.toThrow(/SERVFAIL/);
  });
});
