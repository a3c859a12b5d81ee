// On a real LAN (network namespaces joined by a bridge; test/lab/): hearth as
// the house's DHCP and DNS server answers the hosts of its own subnet and
// refuses a host routed to it from elsewhere, until this host gets an
// address on that network too (dns.allow: local, re-read as interfaces
// change). And no DHCP client can take the printer's name, or wpad.
import { expect, it } from 'vitest';
import { parseDigOutput } from '../integration/harness.ts';
import { Udhcpc } from '../lab/clients.ts';
import { startHearth } from '../lab/hearth.ts';
import { LAN_IF, describeLab, type LabHost } from '../lab/lan.ts';
import { LAB_SETUP, lookup, useLab } from '../lab/lab.ts';
import { waitFor } from '../lab/wait.ts';

const LONG = 180_000;
const { server: SERVER, domain: DOMAIN } = LAB_SETUP;
const PRINTER = LAB_SETUP.reservations[0]!;

async function status(host: LabHost, name: string): Promise<string> {
  const { stdout } = await host.exec('dig', [`@${SERVER}`, '+tries=1', '+time=3', name, 'SOA']);
  return parseDigOutput(stdout).status;
}

describeLab(['dig', 'udhcpc'])('hearth on a LAN', () => {
  const lab = useLab(startHearth);

  it(
    'answers a host of its subnet, refuses one routed from another, and answers it once that network is its own',
    async () => {
      const neighbour = await lab.client('neigh', { address: '10.77.0.50/24' });
      expect(await status(neighbour, DOMAIN)).toBe('NOERROR');
      // 10.99.0.0/24 reaches hearth over the same wire, as a VPN behind the router would.
      const stranger = await lab.client('strgr', { address: '10.99.0.2/24' });
      await stranger.exec('ip', ['route', 'add', `${SERVER}/32`, 'dev', LAN_IF]);
      await lab.serverHost.exec('ip', ['route', 'add', '10.99.0.0/24', 'dev', LAN_IF]);
      expect(await status(stranger, DOMAIN)).toBe('REFUSED');
      expect(await status(stranger, 'example.com')).toBe('REFUSED');
      await lab.serverHost.exec('ip', ['addr', 'add', '10.99.0.1/24', 'dev', LAN_IF]);
      await waitFor('the new subnet to count as local', async () => ((await status(stranger, DOMAIN)) === 'NOERROR' ? true : undefined));
    },
    LONG,
  );

  it(
    "gives no client the printer's name while the printer is away, nor wpad",
    async () => {
      const impostor = await lab.client('impost');
      const lease = await new Udhcpc(impostor, lab.dir, PRINTER.hostname).obtainOnce();
      expect(lease.ip).not.toBe(PRINTER.ip);
      expect(await lookup(impostor, SERVER, `${PRINTER.hostname}.${DOMAIN}`, 'A')).toEqual([]);
      expect(await lookup(impostor, SERVER, lease.ip, 'PTR')).toEqual([]);
      const proxy = await lab.client('wpad');
      const wpadLease = await new Udhcpc(proxy, lab.dir, 'wpad').obtainOnce();
      expect(wpadLease.ip).toMatch(/^10\.77\.0\./);
      expect(await lookup(proxy, SERVER, `wpad.${DOMAIN}`, 'A')).toEqual([]);
    },
    LONG,
  );
});
