// `hearth ddns update` from the command line against a fake dyndns2
// provider on loopback (the address is only ever sent there): one request when the address is new, none when the
// provider already has it, one again with --force.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeHttp } from '../support/fake-http.ts';
import { ROOT, tempDir } from './harness.ts';

function hearth(dir: string, ...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [join(ROOT, 'src/main.ts'), ...args, '-c', 'hearth.yaml'], { cwd: dir }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code) : 0, output: stdout + stderr }),
    );
  });
}

describe('hearth ddns update', () => {
  let provider: FakeHttp;
  let dir: string;

  beforeAll(async () => {
    provider = await FakeHttp.start();
    provider.always({ body: 'good 81.2.69.160' });
    dir = tempDir();
    writeFileSync(
      join(dir, 'hearth.yaml'),
      `data_dir: data
ddns:
  ip: { source: command, command: "echo 81.2.69.160", v6: false }
  records:
    - { provider: dyndns2, name: home.example.com, server: "${provider.url}", login: house, password: s3cret }
`,
    );
  });
  afterAll(async () => {
    await provider.close();
  });

  it('sends the new address once, nothing while it stands, and again with --force', async () => {
    const first = await hearth(dir, 'ddns', 'update');
    expect(first).toMatchObject({ code: 0 });
    expect(first.output).toContain('home.example.com (dyndns2) A: updated 81.2.69.160');
    expect(provider.requests).toHaveLength(1);
    expect(provider.requests[0]).toMatchObject({ method: 'GET', path: '/nic/update', query: { hostname: 'home.example.com', myip: '81.2.69.160' } });
    expect(provider.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('house:s3cret').toString('base64')}`);

    expect((await hearth(dir, 'ddns', 'update')).output).toContain('A: unchanged 81.2.69.160');
    expect(provider.requests).toHaveLength(1);

    expect((await hearth(dir, 'ddns', 'update', '--force')).code).toBe(0);
    expect(provider.requests).toHaveLength(2);
  });

  it('stops on bad credentials and says so, until the config changes', async () => {
    provider.always({ body: 'badauth' });
    const refused = await hearth(dir, 'ddns', 'update', '--force');
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/STOPPED/);
    const before = provider.requests.length;
    expect((await hearth(dir, 'ddns', 'update', '--force')).code).toBe(1);
    expect(provider.requests).toHaveLength(before);
  });
});
