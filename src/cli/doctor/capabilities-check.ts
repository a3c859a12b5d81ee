// The capabilities hearth needs for what the config asks: ports below
// net.ipv4.ip_unprivileged_port_start (53, 67), `ip` for the VIP and the
// broadcast route, arping's raw socket. Checked for this process (run it as
// the service runs, or with sudo) and, when installed, in hearth.service.
import { readFileSync } from 'node:fs';
import { parseListenAddress } from '../../values/listen-address.ts';
import type { Config } from '../../config/schema.ts';
import { fail, ok, type DoctorCheck, type Finding } from './finding.ts';

/** capability(7) numbers. */
const CAPABILITIES = { CAP_NET_BIND_SERVICE: 10, CAP_NET_ADMIN: 12, CAP_NET_RAW: 13 } as const;
type Capability = keyof typeof CAPABILITIES;

export const UNIT_FILE = '/etc/systemd/system/hearth.service';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function lowestPort(config: Config): number {
  const ports = config.dns.listen.map((text) => parseListenAddress(text, 53)?.port ?? 53);
  ports.push(parseListenAddress(config.api.listen, 8053)?.port ?? 8053);
  if (config.dhcp.enabled) ports.push(config.dhcp.port);
  return Math.min(...ports);
}

/** What the config needs, each with the reason. */
export function neededCapabilities(config: Config): Map<Capability, string> {
  const needed = new Map<Capability, string>();
  const unprivileged = Number(read('/proc/sys/net/ipv4/ip_unprivileged_port_start') ?? 1024);
  const port = lowestPort(config);
  if (port < unprivileged) needed.set('CAP_NET_BIND_SERVICE', `port ${port}`);
  if (config.ha.enabled) needed.set('CAP_NET_ADMIN', 'the VIP (ip addr)');
  else if (config.dhcp.enabled && config.dhcp.broadcast_route) needed.set('CAP_NET_ADMIN', 'dhcp.broadcast_route (ip route)');
  if (config.ha.enabled) needed.set('CAP_NET_RAW', 'gratuitous ARP (arping)');
  return needed;
}

function effective(): bigint {
  const line = /^CapEff:\s*([0-9a-f]+)$/m.exec(read('/proc/self/status') ?? '');
  return line ? BigInt(`0x${line[1]}`) : 0n;
}

export const capabilitiesCheck: DoctorCheck = async ({ config }) => {
  const needed = neededCapabilities(config);
  if (needed.size === 0) return [];
  const findings: Finding[] = [];
  const mine = effective();
  const missing = [...needed].filter(([name]) => (mine & (1n << BigInt(CAPABILITIES[name]))) === 0n);
  const list = (entries: Iterable<[Capability, string]>): string => [...entries].map(([name, why]) => `${name} (${why})`).join(', ');
  findings.push(
    missing.length === 0
      ? ok(`capabilities present: ${list(needed)}`)
      : fail(`this process lacks ${list(missing)}`, 'run "sudo hearth doctor", or as the service runs it'),
  );
  const unit = read(UNIT_FILE);
  if (unit !== undefined) {
    const granted = new Set([...unit.matchAll(/^AmbientCapabilities=(.*)$/gm)].flatMap((match) => match[1]!.trim().split(/\s+/)));
    const notGranted = [...needed].filter(([name]) => !granted.has(name));
    findings.push(
      notGranted.length === 0
        ? ok(`${UNIT_FILE} grants them`)
        : fail(`${UNIT_FILE} does not grant ${list(notGranted)}`, 'reinstall the unit (deploy/pi/install.sh) or add them to AmbientCapabilities'),
    );
  }
  return findings;
};
