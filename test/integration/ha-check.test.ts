// `hearth check` on the ha section: what only this host can tell (its
// interfaces, its addresses, the secret file) is checked too.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hearthCheck, tempDir } from './harness.ts';

describe('hearth check, ha section', () => {
  it('names each bad input of a pair this host cannot run', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ha.key'), 'short\n');
    writeFileSync(
      join(dir, 'hearth.yaml'),
      [
        'dns: { listen: ["0.0.0.0:5353"], blocking: { lists: [] } }',
        'ha:',
        '  enabled: true',
        '  interface: nosuch0',
        '  vip: 10.1.2.53/24',
        '  listen: "192.0.2.9:5399"',
        '  peers: ["127.0.0.1:5399"]',
        `  secret_file: ${join(dir, 'ha.key')}`,
        '',
      ].join('\n'),
    );
    const { code, output } = await hearthCheck(dir, 'hearth.yaml');
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/dns\.listen: 0\.0\.0\.0:5353 is a wildcard/));
    expect(lines).toContainEqual(expect.stringMatching(/ha\.interface: there is no interface "nosuch0"/));
    expect(lines).toContainEqual(expect.stringMatching(/ha\.listen: 192\.0\.2\.9 is not an address of this host/));
    expect(lines).toContainEqual(expect.stringMatching(/ha\.peers: 127\.0\.0\.1:5399 is this node itself/));
    expect(lines).toContainEqual(expect.stringMatching(/ha\.secret_file: .*the pair secret is 5 bytes; at least 16/));
  });

  it('refuses an enabled pair without a VIP or secret, at its line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'hearth.yaml'), 'ha:\n  enabled: true\n  listen: "127.0.0.1:5399"\n  peers: ["127.0.0.2:5399"]\n');
    const { code, output } = await hearthCheck(dir, 'hearth.yaml');
    expect(code).toBe(1);
    expect(output).toMatch(/ha\.vip: ha\.enabled needs a vip/);
    expect(output).toMatch(/ha\.secret_file: ha\.enabled needs a secret_file/);
  });
});
