// The DHCP replies in a tcpdump capture (classic pcap, Ethernet frames):
// what a server really sent, read without the server's own codec.
import { readFileSync } from 'node:fs';
import { LAN_IF, type LabHost } from './lan.ts';
import { waitFor } from './wait.ts';

export interface CapturedReply {
  /** Option 53: 2 OFFER, 5 ACK, 6 NAK (RFC 2132 §9.6). */
  readonly type: number;
  readonly yiaddr: string;
  /** chaddr as aa:bb:cc:dd:ee:ff. */
  readonly mac: string;
  /** The Ethernet source: which host sent it, whatever address it claims. */
  readonly sender: string;
}

export const DHCPOFFER = 2;
export const DHCPACK = 5;

const MAGIC_COOKIE = 0x63825363;
const ETHERNET = 14;

/** tcpdump of the DHCP traffic on a host's interface into `path`, once it listens; returns its stop.
 *  Immediate mode: without it, packets still in the kernel's ring when the stop comes are lost. */
export async function captureDhcp(host: LabHost, path: string): Promise<() => Promise<void>> {
  const tcpdump = host.spawn('tcpdump', ['-i', LAN_IF, '--immediate-mode', '-U', '-s', '0', '-w', path, 'udp and (port 67 or port 68)'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let said = '';
  tcpdump.stderr!.on('data', (chunk: Buffer) => {
    said += chunk.toString();
  });
  await waitFor(
    'tcpdump to listen',
    () => (said.includes('listening on') ? true : undefined),
    () => said,
  );
  return async () => {
    const stopped = new Promise((done) => tcpdump.once('exit', done));
    tcpdump.kill('SIGINT');
    await stopped;
  };
}

/** Every BOOTREPLY in the capture at `path`, in the order captured. */
export function capturedReplies(path: string): CapturedReply[] {
  const file = readFileSync(path);
  if (file.length < 24) return [];
  // The magic number says the byte order of the headers (and µs or ns: both are fine here).
  const little = [0xa1b2c3d4, 0xa1b23c4d].includes(file.readUInt32LE(0));
  const u32 = (at: number): number => (little ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const replies: CapturedReply[] = [];
  // A record cut short by tcpdump's end is ignored.
  for (let at = 24; at + 16 <= file.length;) {
    const length = u32(at + 8);
    const frame = file.subarray(at + 16, at + 16 + length);
    at += 16 + length;
    if (frame.length === length) {
      const reply = dhcpReply(frame);
      if (reply) replies.push(reply);
    }
  }
  return replies;
}

/** The DHCP reply in an Ethernet frame, if it carries one (IPv4, UDP, RFC 2131 §2 layout). */
function dhcpReply(frame: Buffer): CapturedReply | undefined {
  if (frame.length < ETHERNET + 20 || frame.readUInt16BE(12) !== 0x0800) return undefined;
  const ip = frame.subarray(ETHERNET);
  const headerLength = (ip[0]! & 0x0f) * 4;
  if (ip[9] !== 17) return undefined;
  const dhcp = ip.subarray(headerLength + 8);
  if (dhcp.length < 240 || dhcp[0] !== 2 || dhcp.readUInt32BE(236) !== MAGIC_COOKIE) return undefined;
  const type = messageType(dhcp.subarray(240));
  if (type === undefined) return undefined;
  return {
    type,
    yiaddr: [...dhcp.subarray(16, 20)].join('.'),
    mac: macOf(dhcp.subarray(28, 34)),
    sender: macOf(frame.subarray(6, 12)),
  };
}

function macOf(bytes: Buffer): string {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}

/** Option 53 among the options (RFC 2132 §2: PAD and END are one byte, the rest code, length, data). */
function messageType(options: Buffer): number | undefined {
  for (let at = 0; at < options.length;) {
    const code = options[at]!;
    if (code === 255) return undefined;
    if (code === 0) {
      at += 1;
      continue;
    }
    if (code === 53) return options[at + 2];
    at += 2 + (options[at + 1] ?? 0);
  }
  return undefined;
}
