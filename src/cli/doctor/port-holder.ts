// Who holds a port: the kernel's socket tables (/proc/net/{tcp,udp}{,6})
// give the socket's inode, and the process with that inode among its open
// files (/proc/PID/fd) is the holder. Another user's /proc/PID/fd can only be
// read by root, so without it the holder may stay unnamed.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { isIP } from 'node:net';
import { ipv6Bytes } from '../../net/address.ts';

export type SocketKind = 'udp' | 'tcp';

export interface PortHolder {
  readonly pid: number;
  /** /proc/PID/comm: the executable's name (node, dnsmasq, systemd-resolve). */
  readonly name: string;
  /** /proc/PID/cmdline with NULs as spaces. */
  readonly command: string;
}

const TCP_LISTEN = '0A';

/** Eight hex groups, unabbreviated, as procAddress writes them. */
function groups(bytes: Uint8Array | readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < 16; i += 2) out.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return out.join(':');
}

/** /proc/net's hex address (each 32-bit word in host order, little-endian here) to text. */
function procAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/../g) ?? []).reverse().map((byte) => parseInt(byte, 16)));
  return bytes.length === 4 ? bytes.join('.') : groups(bytes);
}

function canonical(address: string): string {
  const v6 = isIP(address) === 6 ? ipv6Bytes(address) : undefined;
  return v6 ? groups(v6) : address;
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || /^[0:]+$/.test(address);
}

/** Whether a socket bound to `bound` stands in the way of binding `wanted`:
 *  a wildcard clashes with every address of its family, and [::] (dual-stack
 *  as Node binds it) with IPv4 too. */
function overlaps(bound: string, wanted: string): boolean {
  const [b, w] = [isIP(bound), isIP(wanted)];
  if (bound === wanted) return true;
  if (isWildcard(bound)) return b === 6 || b === w;
  if (isWildcard(wanted)) return w === 6 || b === w;
  return false;
}

/** The inodes of the sockets of `kind` bound to `port` in a way that clashes with `address`. */
function socketInodes(kind: SocketKind, address: string, port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of [`/proc/net/${kind}`, `/proc/net/${kind}6`]) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [localHex, portHex] = (fields[1] ?? '').split(':');
      if (!localHex || !portHex || parseInt(portHex, 16) !== port) continue;
      if (kind === 'tcp' && fields[3] !== TCP_LISTEN) continue;
      if (overlaps(procAddress(localHex), canonical(address)) && fields[9] && fields[9] !== '0') inodes.add(fields[9]);
    }
  }
  return inodes;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The processes holding `port` (for `address`), as far as /proc lets this user see. */
export function portHolders(kind: SocketKind, address: string, port: number): PortHolder[] {
  const inodes = socketInodes(kind, address, port);
  if (inodes.size === 0) return [];
  const holders: PortHolder[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    const holds = fds.some((fd) => {
      try {
        const target = readlinkSync(`/proc/${entry}/fd/${fd}`);
        return target.startsWith('socket:[') && inodes.has(target.slice(8, -1));
      } catch {
        return false;
      }
    });
    if (holds) {
      holders.push({
        pid: Number(entry),
        name: readText(`/proc/${entry}/comm`).trim(),
        command: readText(`/proc/${entry}/cmdline`).replaceAll('\0', ' ').trim(),
      });
    }
  }
  return holders;
}

/** A hearth serving: `node …/src/main.ts run …` or the compiled `…/dist/main.js run …`
 *  (`npm start`, /usr/local/bin/hearth). */
export function isHearth(holder: PortHolder): boolean {
  return /\b(src\/main\.ts|dist\/main\.js) run\b/.test(holder.command);
}
