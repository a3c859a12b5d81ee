// What the DHCP server derives from its config section once, at start and at
// each reload: the subnet, its own address (option 54), the static leases,
// the pool's bounds and the options every reply carries.
import { hostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { parseCidr } from '../values/cidr.ts';
import { parseName } from '../dns/name.ts';
import type { Name } from '../dns/record.ts';
import type { Logger } from '../observe/log.ts';
import type { DhcpConfig } from './config.ts';
import type { PoolConfig } from './pool.ts';
import type { ReplyParameters } from './reply.ts';
import { hostLabel } from './hostname.ts';
import { Reservations } from './reservations.ts';
import { addressNumber, Subnet } from './subnet.ts';

export interface DhcpSetup {
  readonly config: DhcpConfig;
  readonly subnet: Subnet;
  /** Option 54, and what option 54 in a REQUEST is compared with. */
  readonly serverId: string;
  /** Where client names are registered, canonical. */
  readonly domain: Name;
  readonly reservations: Reservations;
  /** Labels a client cannot take by asking for them (dnsmasq refuses such
   *  names "to avoid impersonation"): dhcp.reserved_names, this host's own
   *  name, and every static lease's name, which belongs to its MAC or client id. */
  readonly reservedNames: ReadonlySet<string>;
  readonly pool: PoolConfig;
  readonly parameters: ReplyParameters;
}

export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** The IPv4 address of `name` inside `subnet`, else its first IPv4 address. */
export function serverAddress(name: string, subnet: Subnet, interfaces: Interfaces = networkInterfaces()): string | undefined {
  const addresses = (interfaces[name] ?? []).filter((info) => info.family === 'IPv4').map((info) => info.address);
  return addresses.find((address) => subnet.contains(address)) ?? addresses[0];
}

function domainName(text: string, key: string): Name {
  try {
    return parseName(text.endsWith('.') ? text : `${text}.`);
  } catch (error) {
    throw new Error(`dhcp.${key}: "${text}" is not a domain name (${(error as Error).message})`);
  }
}

/** Throws an Error saying what is wrong when the config can't be served. */
/** `vip`: a failover pair's shared address, the server identifier (option 54)
 *  instead of the interface's, so renewals reach whichever node holds it. */
export function dhcpSetup(config: DhcpConfig, log: Logger, interfaces?: Interfaces, vip?: string): DhcpSetup {
  const cidr = parseCidr(config.subnet);
  if (cidr?.family !== 4) throw new Error(`dhcp.subnet: ${config.subnet} is not an IPv4 subnet`);
  const subnet = new Subnet(cidr);
  const [first, last] = config.range;
  if (!subnet.isHostAddress(first) || !subnet.isHostAddress(last) || addressNumber(first)! > addressNumber(last)!) {
    throw new Error(`dhcp.range: ${first} - ${last} is not a range of host addresses inside ${config.subnet}`);
  }
  const own = serverAddress(config.interface, subnet, interfaces);
  const serverId = vip ?? own;
  if (serverId === undefined)
    throw new Error(`dhcp.interface: ${config.interface} has no IPv4 address to serve DHCP from (it is the server identifier, option 54)`);
  const domain = domainName(config.domain, 'domain');
  const reservations = new Reservations(config.static_leases, subnet, log);
  const routers = config.router === undefined ? [] : [config.router];
  return {
    config,
    subnet,
    serverId,
    domain,
    reservations,
    reservedNames: new Set([...config.reserved_names, hostname(), ...reservations.hostnames].flatMap((name) => hostLabel(name) ?? [])),
    // The server's (its own and the VIP) and the router's addresses are never a client's.
    pool: {
      range: config.range,
      exclude: config.exclude,
      reserved: new Set([...reservations.addresses, serverId, ...(own === undefined ? [] : [own]), ...routers]),
    },
    parameters: {
      subnetMask: subnet.mask,
      routers,
      dnsServers: config.dns_servers.length > 0 ? config.dns_servers : [serverId],
      domainName: domain,
      broadcastAddress: subnet.broadcast,
      ntpServers: config.ntp_servers,
      domainSearch: (config.search.length > 0 ? config.search : [config.domain]).map((name) => domainName(name, 'search')),
      classlessRoutes: config.routes,
    },
  };
}
