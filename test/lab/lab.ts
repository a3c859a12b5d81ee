// One lab LAN for a group of tests: a DHCP server under test in the
// `server` host, and fresh client hosts on demand, each with its own MAC.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { parseDigOutput } from '../integration/harness.ts';
import { Lan, type HostOptions, type LabHost } from './lan.ts';
import type { LabDhcpServer, LabDhcpSetup, StartLabDhcpServer } from './server.ts';

/** The LAN every lab test serves: 10.77.0.0/24, the DHCP server at .1, the router at .254. */
export const LAB_SETUP: LabDhcpSetup = {
  server: '10.77.0.1',
  subnet: '10.77.0.0/24',
  range: ['10.77.0.100', '10.77.0.199'],
  router: '10.77.0.254',
  domain: 'home.lan',
  leaseSeconds: 3600,
  reservations: [{ mac: '02:77:00:00:01:10', ip: '10.77.0.10', hostname: 'printer' }],
};

export interface Lab {
  readonly server: LabDhcpServer;
  readonly serverHost: LabHost;
  /** A work directory for the clients' files. */
  readonly dir: string;
  /** A new client host on the LAN; the MAC defaults to one no other host has, the address to none. */
  readonly client: (name: string, options?: Partial<HostOptions>) => Promise<LabHost>;
}

let macs = 0;

/** Builds the LAN and starts the server before the group's tests, and tears both down after. */
export function useLab(start: StartLabDhcpServer, setup: LabDhcpSetup = LAB_SETUP): Lab {
  let lan: Lan | undefined;
  let server: LabDhcpServer | undefined;
  let serverHost: LabHost | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-lab-'));
    lan = await Lan.create();
    const prefix = setup.subnet.split('/')[1];
    serverHost = await lan.host('server', { mac: '02:77:00:00:00:01', address: `${setup.server}/${prefix}` });
    server = await start(serverHost, setup, join(dir, 'server'));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await lan?.destroy();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }, 120_000);
  const defined = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the lab is not up');
    return value;
  };
  return {
    get server() {
      return defined(server);
    },
    get serverHost() {
      return defined(serverHost);
    },
    get dir() {
      return defined(dir);
    },
    client: (name, options = {}) => {
      const n = ++macs;
      const mac = `02:77:00:01:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
      return defined(lan).host(name, { mac, ...options });
    },
  };
}

/** The RDATA of the answers of `type` a lab host gets from the DNS server at `server`. */
export async function lookup(host: LabHost, server: string, name: string, type: 'A' | 'PTR'): Promise<string[]> {
  const args = type === 'PTR' ? ['-x', name] : [name, type];
  const { stdout } = await host.exec('dig', [`@${server}`, '+tries=1', '+time=3', ...args]);
  return parseDigOutput(stdout)
    .answer.map((line) => line.split(' '))
    .filter((fields) => fields[3] === type)
    .map((fields) => fields.slice(4).join(' '));
}
