// The rfc2136 dynamic-DNS provider against a real BIND `named` on loopback:
// a zone that takes updates signed with a TSIG key, changed by the provider
// and checked with dig.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TsigKey } from '../../src/dns/tsig/key.ts';
import { ddnsSchema } from '../../src/ddns/config.ts';
import { Rfc2136Provider } from '../../src/ddns/providers/rfc2136.ts';
import { DdnsUpdater } from '../../src/ddns/updater.ts';
import { describeWith, dig, freePort, tempDir } from './harness.ts';

const SECRET = 'c2VjcmV0LWtleS1mb3ItaGVhcnRoLXRlc3RzLTMyYnk=';
const OTHER_SECRET = 'b3RoZXItc2VjcmV0LWZvci1oZWFydGgtdGVzdHMtMzI=';
const V4 = '93.184.216.34';
const V6 = '2606:2800:220:1:248:1893:25c8:1946';

const ZONE = `$TTL 300
@     IN SOA ns1.example.com. admin.example.com. 1 3600 600 86400 300
@     IN NS  ns1.example.com.
ns1   IN A   192.0.2.53
home  IN A   93.184.216.1
home  IN A   93.184.216.2
`;

function namedConf(dir: string, port: number): string {
  return `options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  session-keyfile "${dir}/session.key";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
};
controls { };
key "ddns-key" { algorithm hmac-sha256; secret "${SECRET}"; };
key "other-key" { algorithm hmac-sha256; secret "${OTHER_SECRET}"; };
zone "example.com" {
  type primary;
  file "${dir}/example.com.zone";
  update-policy { grant ddns-key name home.example.com. A AAAA; grant other-key name other.example.com. A; };
};
`;
}

const key = (name = 'ddns-key', secret = SECRET): TsigKey => ({ name, algorithm: 'hmac-sha256', secret: Buffer.from(secret, 'base64') });

describeWith(['named', 'dig'])('the rfc2136 provider against BIND named', () => {
  let named: ChildProcess;
  let port: number;
  let dir: string;
  let output = '';

  const provider = (options: { key?: TsigKey; name?: string } = {}) =>
    new Rfc2136Provider({
      server: { host: '127.0.0.1', port },
      zone: 'example.com',
      name: options.name ?? 'home.example.com',
      key: options.key ?? key(),
      ttl: 120,
      timeoutMs: 3000,
    });
  const addresses = async (type: string, name = 'home.example.com') =>
    (await dig(port, [name, type, '+norecurse'])).answer.map((line) => line.split(' ').slice(1).join(' ')).sort();

  beforeAll(async () => {
    dir = tempDir();
    port = await freePort();
    writeFileSync(join(dir, 'example.com.zone'), ZONE);
    writeFileSync(join(dir, 'named.conf'), namedConf(dir, port));
    named = spawn('named', ['-g', '-c', join(dir, 'named.conf'), '-p', String(port), '-n', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    // named -g logs to stderr, and ends its start-up with a line "running"
    // once its zones are loaded (its first line, "running on Linux", is not that).
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`named did not start:\n${output}`)), 15_000);
      named.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/all zones loaded[\s\S]* running$/m.test(output)) {
          clearTimeout(timer);
          done();
        }
      });
      named.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`named exited ${code}:\n${output}`));
      });
    });
  });

  afterAll(async () => {
    if (named.exitCode !== null) return;
    await new Promise<void>((done) => {
      named.once('exit', () => done());
      named.kill('SIGTERM');
    });
  });

  it('reads the address the zone holds', async () => {
    const current = await provider().current(4);
    expect(current).toMatchObject({ kind: 'current' });
    expect(current.kind === 'current' && [...current.addresses].sort()).toEqual(['93.184.216.1', '93.184.216.2']);
    expect(await provider().current(6)).toEqual({ kind: 'current', addresses: [] });
  });

  it('replaces the whole A RRset with one signed update, and dig sees the new address', async () => {
    expect(await provider().update(4, V4)).toEqual({ kind: 'updated' });
    expect(await addresses('A')).toEqual([`120 IN A ${V4}`]);
    expect(await provider().current(4)).toEqual({ kind: 'current', addresses: [V4] });
  });

  it('adds the AAAA record and leaves the A record alone', async () => {
    expect(await provider().update(6, V6)).toEqual({ kind: 'updated' });
    expect(await addresses('AAAA')).toEqual([`120 IN AAAA ${V6}`]);
    expect(await addresses('A')).toEqual([`120 IN A ${V4}`]);
  });

  it('reads a wrong secret or an unknown key as an auth error, and changes nothing', async () => {
    expect(await provider({ key: key('ddns-key', OTHER_SECRET) }).update(4, '93.184.216.9')).toMatchObject({
      kind: 'auth-error',
      reason: expect.stringContaining('BADSIG'),
    });
    expect(await provider({ key: key('no-such-key') }).update(4, '93.184.216.9')).toMatchObject({
      kind: 'auth-error',
      reason: expect.stringContaining('BADKEY'),
    });
    expect(await addresses('A')).toEqual([`120 IN A ${V4}`]);
  });

  it('reads a key the zone does not let change the name as an auth error', async () => {
    expect(await provider({ key: key('other-key', OTHER_SECRET) }).update(4, '93.184.216.9')).toMatchObject({
      kind: 'auth-error',
      reason: expect.stringContaining('REFUSED'),
    });
    expect(await addresses('A')).toEqual([`120 IN A ${V4}`]);
  });

  it('is driven by the updater from the config, with the key in a tsig-keygen file', async () => {
    const keyFile = join(dir, 'ddns.key');
    writeFileSync(keyFile, `key "ddns-key" {\n\talgorithm hmac-sha256;\n\tsecret "${SECRET}";\n};\n`);
    const config = ddnsSchema.parse({
      ip: { v6: false },
      records: [
        {
          provider: 'rfc2136',
          name: 'home.example.com',
          server: `127.0.0.1:${port}`,
          zone: 'example.com',
          key_name: 'ddns-key',
          key_secret_file: keyFile,
          ttl: '10m',
        },
      ],
    });
    const updater = await DdnsUpdater.open({
      config,
      dataDir: dir,
      log: pino({ level: 'silent' }),
      detector: () => ({ detect: async () => ({ kind: 'found', address: '93.184.216.77', from: 'test' }) }),
    });
    try {
      const status = await updater.updateNow();
      expect(status.records[0]).toMatchObject({ stopped: null, v4: { address: '93.184.216.77', lastResult: { kind: 'updated' } } });
      expect(await addresses('A')).toEqual(['600 IN A 93.184.216.77']);
    } finally {
      await updater.close();
    }
  });
});
