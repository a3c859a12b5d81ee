// `hearth doctor` on this machine: loopback ports that are free pass, a port
// another program holds names that program (from /proc), a port a running
// hearth holds is fine.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:tls';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generatePairSecret, readPairSecret } from '../../src/ha/secret.ts';
import { channelKey, listenChannel } from '../../src/ha/sync/channel.ts';
import { createLogger } from '../../src/observe/log.ts';
import { describeWith, freePort, hearthCli, startHearth, tempDir, type Running } from './harness.ts';

async function configFile(text: string): Promise<string> {
  const dir = tempDir();
  writeFileSync(join(dir, 'hearth.yaml'), text);
  return dir;
}

async function loopbackConfig(dnsPort: number): Promise<string> {
  return configFile([`dns: { listen: ["127.0.0.1:${dnsPort}"], blocking: { lists: [] } }`, `api: { listen: "127.0.0.1:${await freePort()}" }`, ''].join('\n'));
}

describe('hearth doctor', () => {
  let hearth: Running | undefined;
  afterEach(async () => {
    await hearth?.stop();
    hearth = undefined;
  });

  it('passes on free loopback ports, one line per check', async () => {
    const dir = await loopbackConfig(await freePort());
    const { code, output } = await hearthCli(dir, ['doctor', '-c', 'hearth.yaml']);
    expect(output).toMatch(/^✓ config hearth\.yaml is valid$/m);
    expect(output).toMatch(/^✓ dns\.listen 127\.0\.0\.1:\d+\/udp is free$/m);
    expect(output).toMatch(/^✓ dns\.listen 127\.0\.0\.1:\d+\/tcp is free$/m);
    expect(output).toMatch(/^✓ api\.listen 127\.0\.0\.1:\d+\/tcp is free$/m);
    expect(output).not.toContain('✗');
    expect(code).toBe(0);
  });

  it('fails on a config error and says where it is', async () => {
    const dir = await configFile('dns: { lisen: [] }\n');
    const { code, output } = await hearthCli(dir, ['doctor', '-c', 'hearth.yaml']);
    expect(output).toMatch(/^✗ config hearth\.yaml: hearth\.yaml:1: dns: .*lisen/m);
    expect(code).toBe(1);
  });

  it('is content with ports a running hearth holds', async () => {
    hearth = await startHearth('dns: { listen: ["127.0.0.1:PORT"], blocking: { lists: [] } }\n');
    const { code, output } = await hearthCli(hearth.dir, ['doctor', '-c', 'hearth.yaml']);
    expect(output).toMatch(new RegExp(`^✓ dns\\.listen 127\\.0\\.0\\.1:${hearth.port}/udp is held by hearth \\(pid \\d+\\)$`, 'm'));
    expect(code).toBe(0);
  });

  it('with DHCP on, checks dhcp.interface', async () => {
    const dir = await configFile(
      [
        `dns: { listen: ["127.0.0.1:${await freePort()}"], blocking: { lists: [] } }`,
        `api: { listen: "127.0.0.1:${await freePort()}" }`,
        `dhcp: { enabled: true, interface: nosuch0, port: ${await freePort()} }`,
        '',
      ].join('\n'),
    );
    const { code, output } = await hearthCli(dir, ['doctor', '-c', 'hearth.yaml']);
    expect(output).toMatch(/^✗ dhcp\.interface nosuch0 does not exist$/m);
    expect(output).toMatch(/^ {4}→ the interfaces here: .*lo/m);
    expect(code).toBe(1);
  });
});

describe('hearth doctor on a node of the pair', () => {
  let peer: Server | undefined;
  afterEach(async () => {
    await new Promise((done) => (peer ? peer.close(done) : done(undefined)));
    peer = undefined;
  });

  /** A node's config whose peer is `peerPort` on loopback, and its pair secret. */
  async function pairNode(peerPort: number): Promise<string> {
    const dir = await configFile(
      [
        `dns: { listen: ["127.0.0.1:${await freePort()}"], blocking: { lists: [] } }`,
        `api: { listen: "127.0.0.1:${await freePort()}", token_file: api.token }`,
        `ha: { enabled: true, interface: lo, vip: 127.0.0.53/8, listen: "127.0.0.1:${await freePort()}", peers: ["127.0.0.1:${peerPort}"], secret_file: ha.key }`,
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'ha.key'), `${generatePairSecret()}\n`);
    return dir;
  }

  /** The peer's end of the sync channel, as the running sync listens (ha/sync/channel.ts). */
  async function peerWithSecret(port: number, key: Buffer): Promise<void> {
    peer = await listenChannel({ key, log: createLogger('silent'), host: '127.0.0.1', port, allowed: () => true, accepted: (socket) => socket.end() });
  }

  it('passes when the peer answers on the sync channel with the same secret', async () => {
    const port = await freePort();
    const dir = await pairNode(port);
    await peerWithSecret(port, channelKey(readPairSecret(join(dir, 'ha.key'))));
    const { output } = await hearthCli(dir, ['doctor', '-c', 'hearth.yaml']);
    expect(output).toMatch(new RegExp(`^✓ the peer 127\\.0\\.0\\.1:${port} answers on the sync channel with the pair's secret$`, 'm'));
    // No hearth runs here: what only a running node knows is a note, not a failure.
    expect(output).toMatch(/^· can't tell the clock skew to the peer: no running hearth/m);
    expect(output).toMatch(/^· can't tell the peer's priority: no running hearth/m);
  }, 30_000);

  it('fails, naming the secret, when the peer holds another one', async () => {
    const port = await freePort();
    const dir = await pairNode(port);
    await peerWithSecret(port, channelKey(Buffer.from(generatePairSecret(), 'base64')));
    const { code, output } = await hearthCli(dir, ['doctor', '-c', 'hearth.yaml']);
    expect(output).toMatch(new RegExp(`^✗ the peer 127\\.0\\.0\\.1:${port} refused the sync channel's handshake`, 'm'));
    expect(output).toMatch(/^ {4}→ the two nodes' ha\.secret_file differ/m);
    expect(code).toBe(1);
  }, 30_000);

  it("fails when nothing answers at the peer's address", async () => {
    const port = await freePort();
    const dir = await pairNode(port);
    const { code, output } = await hearthCli(dir, ['doctor', '-c', 'hearth.yaml']);
    expect(output).toMatch(new RegExp(`^✗ the peer 127\\.0\\.0\\.1:${port} does not answer on the sync channel: .*ECONNREFUSED`, 'm'));
    expect(output).toMatch(/^ {4}→ is hearth running there/m);
    expect(code).toBe(1);
  }, 30_000);
});

describeWith(['dnsmasq'])('hearth doctor, a port held by another program', () => {
  it('names the program that holds it, from /proc', async () => {
    const port = await freePort();
    const dnsmasq = spawn(
      'dnsmasq',
      [
        '--keep-in-foreground',
        '--no-resolv',
        '--no-hosts',
        '--conf-file=/dev/null',
        '--bind-interfaces',
        '--listen-address=127.0.0.1',
        `--port=${port}`,
        '--pid-file=',
        '--user=',
      ],
      { stdio: 'ignore' },
    );
    try {
      const dir = await loopbackConfig(port);
      let result = await hearthCli(dir, ['doctor', '-c', 'hearth.yaml']);
      for (let tries = 0; tries < 50 && !result.output.includes('in use'); tries++) {
        await new Promise((done) => setTimeout(done, 100));
        result = await hearthCli(dir, ['doctor', '-c', 'hearth.yaml']);
      }
      expect(result.output).toMatch(new RegExp(`^✗ dns\\.listen 127\\.0\\.0\\.1:${port}/udp is in use by dnsmasq \\(pid ${dnsmasq.pid}\\)$`, 'm'));
      expect(result.output).toMatch(/^ {4}→ stop it \(systemctl disable --now dnsmasq\)/m);
      expect(result.code).toBe(1);
    } finally {
      dnsmasq.kill();
    }
  });
});
