// `hearth check` reports every problem as file:line: message and exits 1.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hearthCheck, tempDir } from './harness.ts';

describe('hearth check', () => {
  it('reports a bad key, a bad CIDR and a zone file syntax error, each with file and line', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'zones'));
    writeFileSync(
      join(dir, 'hearth.yaml'),
      ['dns:', '  zones_dir: zones', '  lisen: ["127.0.0.1:53"]', '  views:', '    - name: guests', '      clients: ["192.168.50.0/33"]', ''].join('\n'),
    );
    writeFileSync(join(dir, 'zones/home.lan.zone'), ['$TTL 1h', '@ IN SOA ns admin ( 1 1h 15m 7d 60 )', 'nas IN A 192.168.1.300', ''].join('\n'));
    const { code, output } = await hearthCheck(dir, 'hearth.yaml');
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^hearth\.yaml:3: dns: .*lisen/));
    expect(lines).toContainEqual(expect.stringMatching(/^hearth\.yaml:6: dns\.views\[0\]\.clients\[0\]: .*not a CIDR/));
    expect(lines).toContainEqual(expect.stringMatching(/^zones\/home\.lan\.zone:3: .*192\.168\.1\.300/));
  });

  it('lists out-of-zone records as warnings and passes, as named-checkzone does; an error in an included file has its path and line', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'zones/home.lan.d'), { recursive: true });
    writeFileSync(join(dir, 'hearth.yaml'), 'dns:\n  zones_dir: zones\n  blocking: { lists: [] }\n');
    writeFileSync(
      join(dir, 'zones/home.lan.zone'),
      '$TTL 1h\n@ IN SOA ns admin ( 1 1h 15m 7d 60 )\n@ NS ns\nns A 192.168.1.2\nnas.example.com. A 192.0.2.1\n$INCLUDE home.lan.d/lan.inc\n',
    );
    writeFileSync(join(dir, 'zones/home.lan.d/lan.inc'), '$GENERATE 1-3 pc-$ A 192.168.1.$\n');
    const passed = await hearthCheck(dir, 'hearth.yaml');
    expect(passed.output.trim().split('\n')).toEqual(['zones/home.lan.zone:5: ignoring out-of-zone data (nas.example.com) (warning)', 'hearth.yaml: ok']);
    expect(passed.code).toBe(0);
    writeFileSync(join(dir, 'zones/home.lan.d/lan.inc'), '; the printers\nprinter A 192.168.1.300\n');
    const failed = await hearthCheck(dir, 'hearth.yaml');
    expect(failed.output).toMatch(/zones\/home\.lan\.d\/lan\.inc:2: not an IPv4 address: "192\.168\.1\.300"/);
    expect(failed.code).toBe(1);
  });

  it('accepts the shipped example zones and the built-in default config', async () => {
    const { code, output } = await hearthCheck(join(import.meta.dirname, '../..'), '/dev/null');
    expect(output).toContain('ok');
    expect(code).toBe(0);
  });

  it('reports YAML syntax errors with their line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), 'dns:\n  listen: [\n');
    const { code, output } = await hearthCheck(dir, 'bad.yaml');
    expect(code).toBe(1);
    expect(output).toMatch(/^bad\.yaml:\d+: /m);
  });
});
