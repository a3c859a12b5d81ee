// How the composition root builds its parts from the config, and the glue
// between features that must not import each other: DHCP clients' names go
// into the DNS zones here (dhcp/names.ts's HostRegistry, met by
// dns/update/hosts.ts's ZoneHostRegistry).
import type { Config } from './config/schema.ts';
import type { DhcpService } from './dhcp/dhcp-service.ts';
import type { HostRegistry } from './dhcp/names.ts';
import { loadTsigKeys } from './dns/tsig/keys.ts';
import { TsigKeyring } from './dns/tsig/keyring.ts';
import { ZoneHostRegistry } from './dns/update/hosts.ts';
import type { ZoneUpdater } from './dns/update/updater.ts';
import { hostZones } from './dns/zones/generated.ts';
import type { ZoneSet } from './dns/zones/zoneset.ts';
import type { Logger } from './observe/log.ts';
import { parseCidr } from './values/cidr.ts';
import { parseListenAddress, type ListenAddress } from './values/listen-address.ts';

export function listenAddresses(config: Config): ListenAddress[] {
  return config.dns.listen.flatMap((text) => parseListenAddress(text, 53) ?? []);
}

/** The keys UPDATEs may be signed with; a key the config gets wrong is
 *  logged and left out, so the others keep working. */
export function keyringOf(config: Config, log: Logger): TsigKeyring {
  const loaded = loadTsigKeys(config.dns_update);
  for (const error of loaded.errors) log.error(error);
  return loaded.keyring;
}

/** With DHCP on, its domain and reverse zones exist even without zone files. */
export function dhcpZones(config: Config) {
  const subnet = parseCidr(config.dhcp.subnet);
  return config.dhcp.enabled && subnet ? hostZones(config.dhcp.domain, subnet) : [];
}

/** A DHCP service whose clients' names become A and PTR records in `zones`
 *  (the default view's), written through the zone updater; `vip`: a failover
 *  pair's shared address, the server identifier. */
export async function dhcpServiceFor(config: Config, updater: ZoneUpdater, zones: () => ZoneSet, log: Logger, vip?: string): Promise<DhcpService> {
  // Loaded only when enabled: most houses leave DHCP to the router.
  const { DhcpService } = await import('./dhcp/dhcp-service.ts');
  const registry: HostRegistry = new ZoneHostRegistry(updater, zones, log);
  return new DhcpService({ config: config.dhcp, dataDir: config.data_dir, registry, log, vip });
}
