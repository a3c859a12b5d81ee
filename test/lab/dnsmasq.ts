// dnsmasq as the lab's DHCP and DNS server: the reference the lab tests are
// checked against (if dnsmasq fails one, the test is wrong, not hearth), and
// bench/dhcp.sh's comparison peer.
import { join } from 'node:path';
import type { LabHost } from './lan.ts';
import { LabProcess, type LabDhcpSetup, type StartLabDhcpServer } from './server.ts';

/** dnsmasq's command line for `setup`; its lease file is in `dir`. */
export function dnsmasqArgs(setup: LabDhcpSetup, dir: string): string[] {
  return [
    // Stay root (dnsmasq would switch to nobody), read no config file.
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--no-resolv',
    '--no-hosts',
    '--pid-file=',
    '--user=root',
    '--group=root',
    '--log-facility=-',
    '--log-dhcp',
    `--listen-address=${setup.server}`,
    '--bind-interfaces',
    `--dhcp-range=${setup.range[0]},${setup.range[1]},255.255.255.0,${setup.leaseSeconds}`,
    `--dhcp-option=option:router,${setup.router}`,
    `--dhcp-option=option:dns-server,${setup.server}`,
    `--domain=${setup.domain}`,
    `--local=/${setup.domain}/`,
    '--dhcp-authoritative',
    `--dhcp-leasefile=${join(dir, 'dnsmasq.leases')}`,
    ...setup.reservations.map((r) => `--dhcp-host=${r.mac},${r.ip},${r.hostname}`),
  ];
}

export const startDnsmasq: StartLabDhcpServer = async (host: LabHost, setup: LabDhcpSetup, dir: string) => {
  const running = new LabProcess(host, 'dnsmasq', dnsmasqArgs(setup, dir), /DHCP, IP range/, dir);
  await running.start();
  return running.server('dnsmasq');
};
