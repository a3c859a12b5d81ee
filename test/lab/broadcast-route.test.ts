// dhcp.broadcast_route: a server whose namespace has no route for
// 255.255.255.255 (as a Pi whose router is down has no default route) adds
// one to dhcp.interface itself, and a new client gets its lease.
import { expect, it } from 'vitest';
import { Udhcpc } from './clients.ts';
import { startHearthWith } from './hearth.ts';
import { LAB_SETUP, useLab } from './lab.ts';
import { describeLab, LAN_IF } from './lan.ts';
import type { StartLabDhcpServer } from './server.ts';

const withoutRoute: StartLabDhcpServer = async (host, setup, dir) => {
  await host.exec('ip', ['route', 'del', '255.255.255.255/32', 'dev', LAN_IF]);
  return startHearthWith({ broadcast_route: true })(host, setup, dir);
};

describeLab(['udhcpc'])('hearth with dhcp.broadcast_route on a host without a route for broadcasts', () => {
  const lab = useLab(withoutRoute);

  it('routes 255.255.255.255 to dhcp.interface, so a client without an address gets its lease', async () => {
    const { stdout } = await lab.serverHost.exec('ip', ['route', 'get', '255.255.255.255']);
    expect(stdout).toMatch(new RegExp(`dev ${LAN_IF}\\b`));
    const lease = await new Udhcpc(await lab.client('fresh'), lab.dir).obtainOnce();
    expect(lease.ip.startsWith('10.77.0.')).toBe(true);
    expect(lease.routers).toEqual([LAB_SETUP.router]);
  }, 180_000);
});
