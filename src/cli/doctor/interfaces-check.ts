// dhcp.interface and ha.interface exist and carry an address in the subnet
// they serve: DHCP's server identifier is that address, and the VIP can only
// be added beside an address of its own subnet.
import { existsSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { parseCidr } from '../../values/cidr.ts';
import { Subnet } from '../../dhcp/subnet.ts';
import { fail, ok, type DoctorCheck, type Finding } from './finding.ts';

function checkInterface(key: string, name: string, subnetText: string, except?: string): Finding {
  if (!existsSync(`/sys/class/net/${name}`)) {
    return fail(`${key} ${name} does not exist`, `the interfaces here: ${Object.keys(networkInterfaces()).join(', ')} (ip -brief link)`);
  }
  const cidr = parseCidr(subnetText);
  if (!cidr || cidr.family !== 4) return ok(`${key} ${name} exists`);
  const subnet = new Subnet(cidr);
  const addresses = (networkInterfaces()[name] ?? []).filter((info) => info.family === 'IPv4').map((info) => info.address);
  const inSubnet = addresses.filter((address) => subnet.contains(address) && address !== except);
  if (inSubnet.length > 0) return ok(`${key} ${name} has ${inSubnet.join(', ')} in ${subnetText}`);
  return fail(
    `${key} ${name} has no address of its own in ${subnetText} (it has: ${addresses.join(', ') || 'none'})`,
    'give it a static address in that subnet (deploy/pi/README.md shows how with nmcli)',
  );
}

export const interfacesCheck: DoctorCheck = async ({ config }) => {
  const findings: Finding[] = [];
  if (config.dhcp.enabled) findings.push(checkInterface('dhcp.interface', config.dhcp.interface, config.dhcp.subnet));
  if (config.ha.enabled && config.ha.vip !== undefined) {
    const vip = parseCidr(config.ha.vip);
    findings.push(checkInterface('ha.interface', config.ha.interface, config.ha.vip, vip?.address));
  }
  return findings;
};
