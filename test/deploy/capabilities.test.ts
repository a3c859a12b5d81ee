// The capabilities hearth.service grants are enough for what hearth runs as
// its unprivileged user, with no new privileges (arping's own file
// capability does not count then): `ip addr add` for the VIP, `ip route` for
// the broadcast route, `arping -U` for gratuitous ARP, and port 53. Run in a
// network namespace of its own with a veth pair; needs root.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../integration/harness.ts';

const run = promisify(execFile);
const PATH = `${process.env.PATH ?? ''}:/usr/sbin:/sbin`;
const onPath = (tool: string): boolean => PATH.split(':').some((dir) => dir !== '' && existsSync(join(dir, tool)));
const missing = ['unshare', 'setpriv', 'ip', 'arping'].filter((tool) => !onPath(tool));
const skip =
  process.getuid?.() !== 0 ? 'not root' : missing.length > 0 ? `${missing.join(', ')} missing (Debian: util-linux, iproute2, iputils-arping)` : undefined;
if (skip) console.log(`hearth.service capability check skipped: ${skip}`);

/** `CAP_NET_RAW` → `+net_raw`, as setpriv takes them, from the unit's AmbientCapabilities. */
function unitCapabilities(): string {
  const unit = readFileSync(join(ROOT, 'deploy/pi/hearth.service'), 'utf8');
  const names = /^AmbientCapabilities=(.*)$/m.exec(unit)?.[1]?.trim().split(/\s+/) ?? [];
  return names.map((name) => `+${name.replace(/^CAP_/, '').toLowerCase()}`).join(',');
}

(skip ? describe.skip : describe)('hearth.service capabilities', () => {
  it('let an unprivileged user with no new privileges add the VIP, route broadcasts, send gratuitous ARP and bind port 53', async () => {
    const caps = unitCapabilities();
    expect(caps.split(',').sort()).toEqual(['+net_admin', '+net_bind_service', '+net_raw']);
    const node = join(ROOT, 'node_modules/.bin/node');
    const asHearth = [
      'ip addr add 192.0.2.53/24 dev v0 && echo vip-added',
      'ip route replace 255.255.255.255/32 dev v0 && echo route-set',
      'arping -q -U -c 1 -I v0 -s 192.0.2.53 192.0.2.53 && echo garp-sent',
      `${node} -e 'require("node:dgram").createSocket("udp4").bind(53, "192.0.2.53", function () { console.log("bound-53"); this.close(); })'`,
    ].join('; ');
    const script = [
      'ip link add v0 type veth peer name v1',
      'ip link set v0 up',
      'ip link set v1 up',
      `setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=${caps} --ambient-caps=${caps} --bounding-set=-all,${caps} --no-new-privs sh -c '${asHearth.replaceAll("'", "'\\''")}'`,
    ].join(' && ');
    const { stdout } = await run('unshare', ['--net', 'sh', '-c', script], { env: { ...process.env, PATH } });
    expect(stdout.trim().split('\n')).toEqual(['vip-added', 'route-set', 'garp-sent', 'bound-53']);
  });
});
