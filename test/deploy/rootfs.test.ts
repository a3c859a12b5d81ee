// A real install into a Debian 12 root filesystem built by mmdebstrap from
// Debian's archive (what a fresh Raspberry Pi OS Lite has that matters here:
// systemd, iproute2, iputils-arping), run in a chroot inside its own mount
// and network namespaces, where systemd is not running. Needs root,
// mmdebstrap and the Debian archive; about two minutes, most of it mmdebstrap.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool, ROOT } from '../integration/harness.ts';

const run = promisify(execFile);
const MIRROR = process.env.HEARTH_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const PARTS = ['src', 'package.json', 'package-lock.json', 'blocklists', 'zones', 'hearth.example.yaml', 'deploy/pi', 'docs', 'scripts', 'node_modules'];

const isRoot = process.getuid?.() === 0;
const missing = ['mmdebstrap', 'unshare', 'chroot'].filter((tool) => !hasTool(tool));
const skip = !isRoot ? 'not root' : missing.length > 0 ? `${missing.join(', ')} missing (Debian: mmdebstrap, util-linux, coreutils)` : undefined;
const describeRootfs = skip ? describe.skip : describe;
if (skip) console.log(`install into a Debian root filesystem skipped: ${skip}`);

describeRootfs('install.sh in a Debian 12 root filesystem', () => {
  const dir = mkdtempSync('/var/tmp/hearth-rootfs-');
  const rootfs = join(dir, 'rootfs');

  /** Runs a shell command in the chroot, with /proc and /dev, in namespaces of its own. */
  const inRoot = (command: string) =>
    run(
      'unshare',
      [
        '--mount',
        '--net',
        '--fork',
        'sh',
        '-c',
        `mount -t proc proc "${rootfs}/proc" && mount --rbind /dev "${rootfs}/dev" && chroot "${rootfs}" sh -c "$0"`,
        command,
      ],
      { timeout: 120_000 },
    );

  beforeAll(async () => {
    await run('mmdebstrap', ['--quiet', '--variant=minbase', '--include=systemd,iproute2,iputils-arping,ca-certificates', 'bookworm', rootfs, MIRROR], {
      timeout: 540_000,
    });
    mkdirSync(join(rootfs, 'root/hearth'));
    await run('sh', ['-c', `tar -C "${ROOT}" -cf - ${PARTS.join(' ')} | tar -C "${rootfs}/root/hearth" -xf -`]);
  }, 600_000);
  // Removing some 400 MB of files takes a while on a busy machine.
  afterAll(() => rmSync(dir, { recursive: true, force: true }), 300_000);

  it('installs the user, the paths and the unit, and hearth check passes as the hearth user', async () => {
    const { stdout } = await inRoot('/root/hearth/deploy/pi/install.sh');
    expect(stdout).toContain('creating the system user hearth');
    expect(stdout).toContain('systemd is not running here: hearth starts at the next boot');
    const { stdout: user } = await inRoot('getent passwd hearth');
    expect(user).toMatch(/^hearth:x:\d+:\d+::\/var\/lib\/hearth:\/usr\/sbin\/nologin$/m);
    expect(readlinkSync(join(rootfs, 'etc/systemd/system/multi-user.target.wants/hearth.service'))).toBe('/etc/systemd/system/hearth.service');
    for (const path of ['etc/hearth', 'var/lib/hearth']) expect(statSync(join(rootfs, path)).mode & 0o777).toBe(0o750);
    expect(existsSync(join(rootfs, 'opt/hearth/current/src/main.ts'))).toBe(true);
    expect(existsSync(join(rootfs, 'opt/hearth/current/dist/main.js'))).toBe(true);
    const { stdout: checked } = await inRoot('runuser -u hearth -- hearth check -c /etc/hearth/hearth.yaml');
    expect(checked).toMatch(/^\/etc\/hearth\/hearth\.yaml: ok$/m);
  }, 180_000);

  it('refuses an upgrade that rejects the config in use, upgrades when it accepts it, and hearth-rollback goes back', async () => {
    const installed = readlinkSync(join(rootfs, 'opt/hearth/current'));
    await inRoot(
      'cp -a /root/hearth /root/newer && echo "// a newer version" >> /root/newer/src/main.ts' +
        ' && cp /etc/hearth/hearth.yaml /root/hearth.yaml && echo "unknown_key: 1" >> /etc/hearth/hearth.yaml',
    );
    await expect(inRoot('/root/newer/deploy/pi/install.sh')).rejects.toThrow(/the new version refuses \/etc\/hearth\/hearth\.yaml/);
    expect(readlinkSync(join(rootfs, 'opt/hearth/current'))).toBe(installed);
    expect(existsSync(join(rootfs, 'opt/hearth/previous'))).toBe(false);

    await inRoot('cp /root/hearth.yaml /etc/hearth/hearth.yaml');
    const { stdout } = await inRoot('/root/newer/deploy/pi/install.sh');
    expect(stdout).toContain(`upgraded: ${installed} -> releases/`);
    const upgraded = readlinkSync(join(rootfs, 'opt/hearth/current'));
    expect(await inRoot('hearth-rollback').then(({ stdout: out }) => out)).toContain(`rolled back: ${upgraded} -> ${installed}`);
    expect(readlinkSync(join(rootfs, 'opt/hearth/current'))).toBe(installed);
    await inRoot('hearth-rollback');
    expect(readlinkSync(join(rootfs, 'opt/hearth/current'))).toBe(upgraded);
  }, 180_000);

  it('installs again without changing the release, then uninstalls and purges', async () => {
    const before = readlinkSync(join(rootfs, 'opt/hearth/current'));
    const { stdout } = await inRoot('/root/newer/deploy/pi/install.sh');
    expect(stdout).not.toContain('upgraded');
    expect(readlinkSync(join(rootfs, 'opt/hearth/current'))).toBe(before);
    await inRoot('/root/hearth/deploy/pi/install.sh --uninstall --purge');
    for (const gone of ['opt/hearth', 'etc/hearth', 'var/lib/hearth', 'etc/systemd/system/hearth.service', 'usr/local/bin/hearth']) {
      expect(existsSync(join(rootfs, gone))).toBe(false);
    }
    await expect(inRoot('getent passwd hearth')).rejects.toThrow();
  }, 180_000);
});
