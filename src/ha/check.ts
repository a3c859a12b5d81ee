// What the schema cannot know about the `ha:` section: this host's
// interfaces and addresses, and the secret file. Run at start (refusing to
// start) and by `hearth check`.
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { parseCidr } from '../values/cidr.ts';
import { parseListenAddress } from '../values/listen-address.ts';
import { ipv4Bytes } from '../net/address.ts';
import type { HaConfig } from './config.ts';
import { readPairSecret } from './secret.ts';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** Every problem, one sentence each; empty when the pair can start here.
 *  `dnsListen` is `dns.listen`: its ports are opened on the VIP too. */
export function haHostErrors(ha: HaConfig, dnsListen: readonly string[], interfaces: Interfaces = networkInterfaces()): string[] {
  if (!ha.enabled) return [];
  const errors: string[] = [];
  for (const text of dnsListen) {
    // The VIP's own socket could not bind beside it, and a wildcard socket
    // answers from the host's main address, which clients drop.
    const host = parseListenAddress(text, 53)?.host;
    if (host === '0.0.0.0' || host === '::')
      errors.push(`dns.listen: ${text} is a wildcard; with ha.enabled list this node's own address (the VIP is added at run time)`);
  }
  const vip = ha.vip === undefined ? undefined : parseCidr(ha.vip);
  const iface = interfaces[ha.interface];
  // The VIP may be on the interface already (a node killed with -9): it is not this host's own address.
  const own = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .map((info) => info.address)
    .filter((address) => address !== vip?.address);
  if (iface === undefined) {
    errors.push(`ha.interface: there is no interface "${ha.interface}" on this host (there are: ${Object.keys(interfaces).join(', ')})`);
  } else if (vip) {
    const subnets = iface.filter((info) => info.family === 'IPv4' && info.address !== vip.address);
    if (!subnets.some((info) => sameSubnet(info.address, vip.address, prefixOf(info.cidr)) && prefixOf(info.cidr) === vip.prefix)) {
      const have = subnets.map((info) => info.cidr).join(', ') || 'no IPv4 address';
      errors.push(`ha.vip: ${ha.vip} is not in the subnet of ${ha.interface} (${have}); clients could not reach it there`);
    }
  }
  const listen = parseListenAddress(ha.listen, 5399);
  if (listen && !own.includes(listen.host)) errors.push(`ha.listen: ${listen.host} is not an address of this host`);
  for (const text of ha.peers) {
    const peer = parseListenAddress(text, 5399);
    if (peer && listen && own.includes(peer.host) && peer.port === listen.port) errors.push(`ha.peers: ${text} is this node itself`);
  }
  if (ha.secret_file !== undefined) {
    try {
      readPairSecret(ha.secret_file);
    } catch (error) {
      errors.push(`ha.secret_file: ${(error as Error).message}`);
    }
  }
  return errors;
}

function prefixOf(cidr: string | null): number {
  return Number(cidr?.split('/')[1] ?? 32);
}

function sameSubnet(a: string, b: string, prefix: number): boolean {
  const x = ipv4Bytes(a);
  const y = ipv4Bytes(b);
  if (!x || !y) return false;
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  const n = (bytes: Uint8Array) => ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  return (n(x) & mask) >>> 0 === (n(y) & mask) >>> 0;
}
