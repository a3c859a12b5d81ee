// ip.source interface: the global address of one of the host's interfaces,
// for a host that holds the public address itself (a router, or IPv6 almost
// everywhere).
//
// For IPv6 a host usually has several: a stable one and temporary privacy
// addresses (RFC 8981) that change daily. A DNS name must point at a stable
// one. Node does not tell them apart, iproute2 does: `ip -j addr` marks
// temporary ones ("temporary") and those being retired ("deprecated").
import { execFile } from 'node:child_process';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { promisify } from 'node:util';
import { globalAddress, type Family } from '../address.ts';
import type { AddressDetector, Detection } from './detection.ts';

const run = promisify(execFile);

/** One entry of `addr_info` in `ip -j addr show` (the flags are present when true). */
export interface IpAddrInfo {
  readonly family?: string;
  readonly local?: string;
  readonly scope?: string;
  readonly temporary?: boolean;
  readonly deprecated?: boolean;
  readonly tentative?: boolean;
  readonly dadfailed?: boolean;
  readonly dynamic?: boolean;
}

export interface InterfaceDetectorOptions {
  readonly name: string;
  readonly timeoutMs: number;
  /** os.networkInterfaces by default. */
  readonly interfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
  /** The addr_info list of `ip -6 -j addr show dev NAME`; undefined when `ip` cannot tell. */
  readonly ipv6AddrInfo?: (name: string) => Promise<readonly IpAddrInfo[] | undefined>;
}

export class InterfaceDetector implements AddressDetector {
  private readonly name: string;
  private readonly interfaces: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
  private readonly ipv6AddrInfo: (name: string) => Promise<readonly IpAddrInfo[] | undefined>;

  constructor(options: InterfaceDetectorOptions) {
    this.name = options.name;
    this.interfaces = options.interfaces ?? networkInterfaces;
    this.ipv6AddrInfo = options.ipv6AddrInfo ?? ((name) => iproute2AddrInfo(name, options.timeoutMs));
  }

  async detect(family: Family): Promise<Detection> {
    const listed = this.interfaces()[this.name];
    if (!listed) return { kind: 'missing', reason: `there is no interface ${this.name}` };
    const from = `interface ${this.name}`;
    if (family === 6) {
      const info = await this.ipv6AddrInfo(this.name);
      if (info) {
        const address = stableIpv6(info);
        return address ? { kind: 'found', address, from } : { kind: 'missing', reason: `${from} has no usable global IPv6 address` };
      }
    }
    // Without iproute2 (or for IPv4), the first global address Node lists.
    for (const entry of listed) {
      const address = entry.family === `IPv${family}` ? globalAddress(entry.address, family) : undefined;
      if (address) return { kind: 'found', address, from };
    }
    return { kind: 'missing', reason: `${from} has no global IPv${family} address` };
  }
}

/** The best global IPv6 address: never tentative, failed or deprecated ones
 *  (RFC 4862 §5.5.4: not to be used for new communication); a stable
 *  address before a temporary one; a configured one before one that expires. */
export function stableIpv6(info: readonly IpAddrInfo[]): string | undefined {
  const usable = info.flatMap((entry) => {
    const address =
      entry.family === 'inet6' && entry.scope === 'global' && !entry.tentative && !entry.dadfailed && !entry.deprecated
        ? globalAddress(entry.local ?? '', 6)
        : undefined;
    return address ? [{ address, rank: (entry.temporary ? 2 : 0) + (entry.dynamic ? 1 : 0) }] : [];
  });
  return usable.sort((a, b) => a.rank - b.rank)[0]?.address;
}

async function iproute2AddrInfo(name: string, timeoutMs: number): Promise<readonly IpAddrInfo[] | undefined> {
  try {
    const { stdout } = await run('ip', ['-6', '-j', 'addr', 'show', 'dev', name], { timeout: timeoutMs });
    const parsed = JSON.parse(stdout) as Array<{ addr_info?: IpAddrInfo[] }>;
    return Array.isArray(parsed) ? parsed.flatMap((link) => link.addr_info ?? []) : undefined;
  } catch {
    return undefined;
  }
}
