// hearth as the lab's DHCP and DNS server: `node src/main.ts run` inside the
// server's namespace, its DNS on the LAN address, its API on the namespace's
// own loopback (each namespace has one, so the port is always free).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../integration/harness.ts';
import { LAN_IF, type LabHost } from './lan.ts';
import { LabProcess, type LabDhcpSetup, type StartLabDhcpServer } from './server.ts';

export const API = 'http://127.0.0.1:8053';
export const API_TOKEN = 'lab-token';

/** hearth's config for `setup`, its data in `dir`, with `dhcpKeys` added to its `dhcp` section. JSON is YAML. */
export function hearthConfig(setup: LabDhcpSetup, dir: string, dhcpKeys: Record<string, unknown> = {}): string {
  return JSON.stringify(
    {
      data_dir: join(dir, 'data'),
      dns: { listen: [`${setup.server}:53`], zones_dir: join(dir, 'zones'), blocking: { lists: [] } },
      api: { listen: '127.0.0.1:8053', token_file: join(dir, 'api.token') },
      querylog: { enabled: false },
      dhcp: {
        enabled: true,
        interface: LAN_IF,
        subnet: setup.subnet,
        range: setup.range,
        router: setup.router,
        domain: setup.domain,
        lease_time: setup.leaseSeconds,
        static_leases: setup.reservations.map(({ mac, ip, hostname }) => ({ mac, ip, hostname })),
        ...dhcpKeys,
      },
    },
    null,
    2,
  );
}

/** Writes hearth's config, token and directories for `setup` into `dir`; returns the config's path. */
export function writeHearthFiles(setup: LabDhcpSetup, dir: string, dhcpKeys: Record<string, unknown> = {}): string {
  mkdirSync(join(dir, 'zones'), { recursive: true });
  writeFileSync(join(dir, 'api.token'), `${API_TOKEN}\n`, { mode: 0o600 });
  const config = join(dir, 'hearth.yaml');
  writeFileSync(config, hearthConfig(setup, dir, dhcpKeys));
  return config;
}

export interface HeldLease {
  readonly address: string;
  readonly mac: string;
}

/** The leases hearth holds, from its API (`GET /dhcp/leases`), asked from inside its host. */
export async function heldLeases(host: LabHost): Promise<HeldLease[]> {
  const { stdout } = await host.exec('curl', ['-sSf', '-H', `authorization: Bearer ${API_TOKEN}`, `${API}/dhcp/leases`]);
  return (JSON.parse(stdout) as { leases: HeldLease[] }).leases;
}

/** Starts hearth with `dhcpKeys` added to the lab's DHCP config. */
export function startHearthWith(dhcpKeys: Record<string, unknown>): StartLabDhcpServer {
  return async (host: LabHost, setup: LabDhcpSetup, dir: string) => {
    const config = writeHearthFiles(setup, dir, dhcpKeys);
    const running = new LabProcess(host, process.execPath, [join(ROOT, 'src/main.ts'), 'run', '-c', config], /hearth started/, dir);
    await running.start();
    return running.server('hearth');
  };
}

export const startHearth: StartLabDhcpServer = startHearthWith({});
