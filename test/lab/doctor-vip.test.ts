// `hearth doctor` on a node of the pair, in the lab: the VIP free on the LAN,
// on this node, or taken by a device that is not the pair; and the
// interface's address in the VIP's subnet. Asked with arping on a real LAN
// of namespaces.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generatePairSecret } from '../../src/ha/secret.ts';
import { ROOT } from '../integration/harness.ts';
import { describeLab, Lan, LAN_IF, type LabHost } from './lan.ts';

const VIP = '10.78.0.53';

describeLab(['arping'])('hearth doctor on a node of the pair', () => {
  let lan: Lan;
  let node: LabHost;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-doctor-'));
    lan = await Lan.create();
    node = await lan.host('node', { mac: '02:78:00:00:00:02', address: '10.78.0.2/24' });
    writeFileSync(
      join(dir, 'hearth.yaml'),
      JSON.stringify({
        data_dir: join(dir, 'data'),
        dns: { listen: ['10.78.0.2:53'], blocking: { lists: [] }, zones_dir: dir },
        api: { listen: '127.0.0.1:8053', token_file: join(dir, 'api.token') },
        ha: { enabled: true, interface: LAN_IF, vip: `${VIP}/24`, listen: '10.78.0.2:5399', peers: ['10.78.0.3:5399'], secret_file: join(dir, 'ha.key') },
      }),
    );
    writeFileSync(join(dir, 'ha.key'), `${generatePairSecret()}\n`);
  }, 60_000);
  afterAll(async () => {
    await lan?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  async function doctor(): Promise<string> {
    const args = [join(ROOT, 'src/main.ts'), 'doctor', '-c', join(dir, 'hearth.yaml')];
    return node.exec(process.execPath, args, 30_000).then(
      ({ stdout }) => stdout,
      (error: { stdout: string }) => error.stdout,
    );
  }

  it("finds the interface in the VIP's subnet, ip and arping, and the VIP free", async () => {
    const output = await doctor();
    expect(output).toMatch(/^✓ ha\.interface eth0 has 10\.78\.0\.2 in 10\.78\.0\.53\/24$/m);
    expect(output).toMatch(/^✓ ip is installed/m);
    expect(output).toMatch(/^✓ arping is installed/m);
    expect(output).toMatch(/^✓ the VIP 10\.78\.0\.53 is free on the LAN/m);
    expect(output).toMatch(/^✓ the pair's secret .*ha\.key holds 32 bytes$/m);
  }, 60_000);

  it('names the MAC of a device that is not the pair and answers for the VIP', async () => {
    const squatter = await lan.host('squatter', { mac: '02:78:00:00:00:99', address: `${VIP}/24` });
    try {
      const output = await doctor();
      expect(output).toMatch(/^✗ the VIP 10\.78\.0\.53 is answered by 02:78:00:00:00:99, not by the pair$/m);
    } finally {
      await squatter.exec('ip', ['addr', 'del', `${VIP}/24`, 'dev', LAN_IF]);
    }
  }, 60_000);

  it('is content when the peer holds the VIP', async () => {
    const peer = await lan.host('peer', { mac: '02:78:00:00:00:03', address: '10.78.0.3/24' });
    await peer.exec('ip', ['addr', 'add', `${VIP}/24`, 'dev', LAN_IF]);
    try {
      expect(await doctor()).toMatch(/^✓ the VIP 10\.78\.0\.53 is held by the peer \(02:78:00:00:00:03\)$/m);
    } finally {
      await peer.exec('ip', ['addr', 'del', `${VIP}/24`, 'dev', LAN_IF]);
    }
  }, 60_000);

  it('says so when the VIP is on this node', async () => {
    await node.exec('ip', ['addr', 'add', `${VIP}/24`, 'dev', LAN_IF]);
    const output = await doctor();
    expect(output).toMatch(/^✓ the VIP 10\.78\.0\.53 is on this machine \(this node is the master\)$/m);
  }, 60_000);
});
