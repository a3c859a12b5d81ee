// Replies to clients without an address go to 255.255.255.255 (RFC 2131
// §4.1). Linux routes that limited broadcast like any other destination: out
// of the default route's interface, or nowhere (ENETUNREACH) when there is no
// default route, e.g. while the router is down. A host route sends it out of
// dhcp.interface instead. hearth sets it itself (dhcp.broadcast_route) rather
// than the systemd unit, because it is the one that reads dhcp.interface and
// follows it across reloads; the unit grants CAP_NET_ADMIN for it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Logger } from '../observe/log.ts';

const run = promisify(execFile);

/** `ip route replace` is idempotent: the route ends up on `iface` whatever was there. */
export async function ensureBroadcastRoute(iface: string, log: Logger): Promise<boolean> {
  try {
    await run('ip', ['route', 'replace', '255.255.255.255/32', 'dev', iface], { timeout: 5000 });
    log.info({ interface: iface }, 'DHCP broadcasts leave by %s (route 255.255.255.255/32)', iface);
    return true;
  } catch (error) {
    const reason = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    log.warn({ interface: iface, reason }, 'could not route 255.255.255.255/32 to %s: replies to new clients may leave by another interface', iface);
    return false;
  }
}
