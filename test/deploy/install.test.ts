// deploy/pi: the installer staged under DESTDIR (twice, an upgrade, a
// rollback, an uninstall), shellcheck on the scripts, and the unit through
// systemd-analyze verify and security. Nothing here needs root or touches
// the machine outside its temporary directories.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWith, hasTool, ROOT } from '../integration/harness.ts';

const run = promisify(execFile);
const SCRIPTS = ['deploy/pi/install.sh', 'deploy/pi/hearth.sh'];

async function install(destdir: string, args: readonly string[] = [], source = ROOT): Promise<string> {
  const { stdout } = await run(join(source, 'deploy/pi/install.sh'), [...args], { env: { ...process.env, DESTDIR: destdir }, timeout: 120_000 });
  return stdout;
}

/** Every path under `dir` with its kind (and a symlink's target), for comparing two runs. */
function tree(dir: string, below = ''): string[] {
  return readdirSync(join(dir, below), { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(below, entry.name);
      if (path.startsWith('opt/hearth/releases/') && path.split('/').length > 4) return [];
      if (entry.isSymbolicLink()) return [`${path} -> ${readlinkSync(join(dir, path))}`];
      return entry.isDirectory() ? [`${path}/`, ...tree(dir, path)] : [path];
    })
    .sort();
}

/** The staged config with its absolute paths moved under `destdir`, checked by the staged hearth. */
async function checkStaged(destdir: string): Promise<{ code: number; output: string }> {
  const text = readFileSync(join(destdir, 'etc/hearth/hearth.yaml'), 'utf8').replace(
    /(?<=[\s"[])\/(etc\/hearth|opt\/hearth|var\/lib\/hearth)/g,
    `${destdir}/$1`,
  );
  writeFileSync(join(destdir, 'check.yaml'), text);
  const app = join(destdir, 'opt/hearth/current');
  try {
    const { stdout } = await run(join(app, 'node_modules/.bin/node'), [join(app, 'src/main.ts'), 'check', '-c', join(destdir, 'check.yaml')]);
    return { code: 0, output: stdout };
  } catch (error) {
    return { code: (error as { code: number }).code, output: (error as { stdout: string }).stdout };
  }
}

describe('install.sh with DESTDIR', () => {
  const destdir = mkdtempSync(join(tmpdir(), 'hearth-destdir-'));
  afterAll(() => rmSync(destdir, { recursive: true, force: true }), 300_000);
  let first: string[] = [];

  it('stages the program, the unit, the command, the config, the data directory and nothing else', async () => {
    await install(destdir);
    first = tree(destdir);
    const current = readlinkSync(join(destdir, 'opt/hearth/current'));
    expect(current).toMatch(/^releases\/0\.1\.0-[0-9a-f]{12}$/);
    expect(first).toEqual(
      expect.arrayContaining([
        'etc/hearth/hearth.yaml',
        'etc/hearth/zones/home.lan.zone',
        'etc/systemd/system/hearth.service',
        'usr/local/bin/hearth',
        'var/lib/hearth/',
        `opt/hearth/current -> ${current}`,
        'usr/local/sbin/hearth-rollback -> /opt/hearth/current/deploy/pi/install.sh',
      ]),
    );
    expect(first.filter((path) => !/^(etc|opt|usr|var)\b/.test(path))).toEqual([]);
    const app = join(destdir, 'opt/hearth', current);
    expect(existsSync(join(app, 'src/main.ts'))).toBe(true);
    expect(existsSync(join(app, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(app, 'src/main.test.ts')) || readdirSync(join(app, 'src/config')).some((name) => name.endsWith('.test.ts'))).toBe(false);
    // Development packages are left out; the pinned Node 24 is in.
    expect(existsSync(join(app, 'node_modules/vitest'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/fastify'))).toBe(true);
    const { stdout } = await run(join(app, 'node_modules/.bin/node'), ['--version']);
    expect(stdout).toMatch(/^v24\./);
    expect(readFileSync(join(destdir, 'etc/hearth/hearth.yaml'), 'utf8')).toBe(readFileSync(join(ROOT, 'hearth.example.yaml'), 'utf8'));
  });

  it('changes nothing when run again, and keeps an edited config', async () => {
    writeFileSync(join(destdir, 'etc/hearth/hearth.yaml'), '# mine\n', { flag: 'a' });
    const output = await install(destdir);
    expect(output).not.toContain('wrote /etc/hearth/hearth.yaml');
    expect(tree(destdir)).toEqual(first);
    expect(readFileSync(join(destdir, 'etc/hearth/hearth.yaml'), 'utf8')).toMatch(/# mine\n$/);
  });

  it('stages an example config that hearth check accepts', async () => {
    const { code, output } = await checkStaged(destdir);
    expect(output).toMatch(/check\.yaml: ok$/m);
    expect(code).toBe(0);
  });

  it('keeps the previous version on an upgrade, and rolls back to it', async () => {
    const newer = mkdtempSync(join(tmpdir(), 'hearth-newer-'));
    try {
      for (const part of ['src', 'package.json', 'package-lock.json', 'blocklists', 'zones', 'hearth.example.yaml', 'deploy/pi']) {
        cpSync(join(ROOT, part), join(newer, part), { recursive: true });
      }
      symlinkSync(join(ROOT, 'node_modules'), join(newer, 'node_modules'));
      writeFileSync(join(newer, 'src/main.ts'), '// a newer version\n', { flag: 'a' });
      const old = readlinkSync(join(destdir, 'opt/hearth/current'));
      expect(await install(destdir, [], newer)).toContain(`upgraded: ${old} -> releases/`);
      const upgraded = readlinkSync(join(destdir, 'opt/hearth/current'));
      expect(upgraded).not.toBe(old);
      expect(readlinkSync(join(destdir, 'opt/hearth/previous'))).toBe(old);
      expect(readdirSync(join(destdir, 'opt/hearth/releases')).sort()).toEqual([old, upgraded].map((path) => path.slice('releases/'.length)).sort());

      expect(await install(destdir, ['--rollback'])).toContain(`rolled back: ${upgraded} -> ${old}`);
      expect(readlinkSync(join(destdir, 'opt/hearth/current'))).toBe(old);
      expect(readlinkSync(join(destdir, 'opt/hearth/previous'))).toBe(upgraded);
    } finally {
      rmSync(newer, { recursive: true, force: true });
    }
  });

  it('uninstalls the program but keeps config and data; --purge removes those too', async () => {
    await install(destdir, ['--uninstall']);
    expect(tree(destdir).filter((path) => !path.endsWith('/'))).toEqual(expect.arrayContaining(['etc/hearth/hearth.yaml']));
    for (const gone of ['opt/hearth', 'usr/local/bin/hearth', 'etc/systemd/system/hearth.service']) {
      expect(existsSync(join(destdir, gone))).toBe(false);
    }
    await install(destdir, ['--uninstall', '--purge']);
    expect(existsSync(join(destdir, 'etc/hearth'))).toBe(false);
    expect(existsSync(join(destdir, 'var/lib/hearth'))).toBe(false);
  });
});

describeWith(['shellcheck'])('the deploy scripts', () => {
  it('are shellcheck clean', async () => {
    const { stdout } = await run('shellcheck', ['--severity=style', ...SCRIPTS], { cwd: ROOT }).catch((error: { stdout: string }) => ({
      stdout: error.stdout,
    }));
    expect(stdout).toBe('');
  });
});

describeWith(['systemd-analyze'])('hearth.service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-unit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes systemd-analyze verify (with the command it starts in place)', async () => {
    const command = join(dir, 'hearth');
    writeFileSync(command, '#!/bin/sh\n', { mode: 0o755 });
    const unit = readFileSync(join(ROOT, 'deploy/pi/hearth.service'), 'utf8').replace('/usr/local/bin/hearth', command);
    writeFileSync(join(dir, 'hearth.service'), unit);
    const result = await run('systemd-analyze', ['verify', '--man=no', join(dir, 'hearth.service')]).then(
      ({ stderr }) => ({ code: 0, stderr }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('has an exposure of at most 4 in systemd-analyze security', async () => {
    const { stdout } = await run('systemd-analyze', ['security', '--offline=yes', join(ROOT, 'deploy/pi/hearth.service')]);
    const exposure = Number(/Overall exposure level for hearth\.service: ([\d.]+)/.exec(stdout)?.[1]);
    expect(exposure).toBeLessThanOrEqual(4);
    expect(stdout).toMatch(/✓ CapabilityBoundingSet=~CAP_SYS_ADMIN/);
  });
});

if (!hasTool('systemd-analyze')) console.log('hearth.service checks skipped: systemd-analyze missing (Debian: systemd)');
