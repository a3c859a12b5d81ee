// DHCP replies to clients without an address go to 255.255.255.255, which
// leaves by whatever interface the kernel routes it to (see
// src/dhcp/broadcast-route.ts): it must be dhcp.interface.
import { fail, note, ok, type DoctorCheck } from './finding.ts';
import { runTool } from './command.ts';

export const broadcastCheck: DoctorCheck = async ({ config }) => {
  if (!config.dhcp.enabled) return [];
  const iface = config.dhcp.interface;
  const route = await runTool('ip', ['route', 'get', '255.255.255.255']);
  if (route.code === undefined) return [note(`can't tell where DHCP broadcasts leave: ${route.stderr.trim()}`)];
  const device = /\bdev (\S+)/.exec(route.stdout)?.[1];
  if (device === iface) return [ok(`DHCP broadcasts (255.255.255.255) leave by ${iface}`)];
  const fix = config.dhcp.broadcast_route
    ? `hearth adds the route when DHCP starts (dhcp.broadcast_route); until then: sudo ip route replace 255.255.255.255/32 dev ${iface}`
    : `set dhcp.broadcast_route: true (or: sudo ip route replace 255.255.255.255/32 dev ${iface})`;
  const seen = device ? `leave by ${device}, not ${iface}` : `have no route (${route.stderr.trim() || 'no default route'})`;
  return [fail(`DHCP broadcasts (255.255.255.255) ${seen}`, fix)];
};
