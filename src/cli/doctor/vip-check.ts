// The VIP is on this machine (this node is the master), or free on the LAN,
// or answered by the peer; any other device answering ARP for it would fight
// the pair for the house's DNS address. Asked with arping's duplicate address
// detection (RFC 5227 probes: they change no one's ARP cache).
import { networkInterfaces } from 'node:os';
import { parseCidr, parseListenAddress } from '../../config/types.ts';
import { fail, note, ok, type DoctorCheck } from './finding.ts';
import { runTool } from './command.ts';

/** The peers' MAC addresses from the neighbour table (known once they have talked). */
async function peerMacs(peers: readonly string[]): Promise<Set<string>> {
  const macs = new Set<string>();
  for (const peer of peers) {
    const host = parseListenAddress(peer, 5399)?.host;
    if (!host) continue;
    const neighbour = await runTool('ip', ['neigh', 'show', host]);
    const mac = /lladdr ([0-9a-f:]{17})/i.exec(neighbour.stdout)?.[1];
    if (mac) macs.add(mac.toLowerCase());
  }
  return macs;
}

export const vipCheck: DoctorCheck = async ({ config }) => {
  const { ha } = config;
  if (!ha.enabled || ha.vip === undefined) return [];
  const vip = parseCidr(ha.vip)?.address;
  if (vip === undefined) return [];
  const held = Object.values(networkInterfaces()).flat().some((info) => info?.address === vip);
  if (held) return [ok(`the VIP ${vip} is on this machine (this node is the master)`)];
  const probe = await runTool('arping', ['-D', '-c', '2', '-w', '3', '-I', ha.interface, vip], 6000);
  if (probe.code === 0) return [ok(`the VIP ${vip} is free on the LAN (no one answers ARP for it)`)];
  const answered = [...probe.stdout.matchAll(/reply from \S+ \[([0-9a-f:]{17})\]/gi)].map((match) => match[1]!.toLowerCase());
  if (probe.code !== 1 || answered.length === 0) {
    return [note(`can't ask the LAN who has the VIP ${vip}: ${(probe.stderr.trim().split('\n')[0] ?? '') || `arping exited ${probe.code}`}`)];
  }
  const peers = await peerMacs(ha.peers);
  const strangers = answered.filter((mac) => !peers.has(mac));
  if (strangers.length === 0) return [ok(`the VIP ${vip} is held by the peer (${answered[0]})`)];
  return [fail(`the VIP ${vip} is answered by ${[...new Set(strangers)].join(', ')}, not by the pair`,
    'another device uses that address: give the VIP an address outside the router\'s DHCP range that nothing else uses')];
};
