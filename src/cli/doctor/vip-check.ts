// The VIP is on this machine (this node is the master), or free on the LAN,
// or answered by the peer; any other device answering ARP for it would fight
// the pair for the house's DNS address. Asked with arping's duplicate address
// detection (RFC 5227 probes: they change no one's ARP cache).
import { networkInterfaces } from 'node:os';
import { parseCidr } from '../../values/cidr.ts';
import { parseListenAddress } from '../../values/listen-address.ts';
import { fail, note, ok, type DoctorCheck } from './finding.ts';
import { runTool } from './command.ts';

const REPLY = /reply from \S+ \[([0-9a-f:]{17})\]/gi;

/** The MACs that answered an arping run. */
function repliers(output: string): string[] {
  return [...output.matchAll(REPLY)].map((match) => match[1]!.toLowerCase());
}

/** The peers' MAC addresses, asked on the LAN (the neighbour table may not know them yet). */
async function peerMacs(iface: string, peers: readonly string[]): Promise<Set<string>> {
  const macs = new Set<string>();
  for (const peer of peers) {
    const host = parseListenAddress(peer, 5399)?.host;
    if (host === undefined) continue;
    for (const mac of repliers((await runTool('arping', ['-c', '1', '-w', '2', '-I', iface, host], 4000)).stdout)) macs.add(mac);
  }
  return macs;
}

export const vipCheck: DoctorCheck = async ({ config }) => {
  const { ha } = config;
  if (!ha.enabled || ha.vip === undefined) return [];
  const vip = parseCidr(ha.vip)?.address;
  if (vip === undefined) return [];
  const held = Object.values(networkInterfaces())
    .flat()
    .some((info) => info?.address === vip);
  if (held) return [ok(`the VIP ${vip} is on this machine (this node is the master)`)];
  const probe = await runTool('arping', ['-D', '-c', '2', '-w', '3', '-I', ha.interface, vip], 6000);
  if (probe.code === 0) return [ok(`the VIP ${vip} is free on the LAN (no one answers ARP for it)`)];
  const answered = repliers(probe.stdout);
  if (probe.code !== 1 || answered.length === 0) {
    return [note(`can't ask the LAN who has the VIP ${vip}: ${(probe.stderr.trim().split('\n')[0] ?? '') || `arping exited ${probe.code}`}`)];
  }
  const peers = await peerMacs(ha.interface, ha.peers);
  const strangers = answered.filter((mac) => !peers.has(mac));
  if (strangers.length === 0) return [ok(`the VIP ${vip} is held by the peer (${answered[0]})`)];
  return [
    fail(
      `the VIP ${vip} is answered by ${[...new Set(strangers)].join(', ')}, not by the pair`,
      "another device uses that address: give the VIP an address outside the router's DHCP range that nothing else uses",
    ),
  ];
};
