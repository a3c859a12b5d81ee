// The DHCP message (RFC 2131 §2): a BOOTP header, the magic cookie, then
// options, which may overflow into the `file` and `sname` fields (option
// overload, RFC 2131 §4.1 / RFC 2132 §9.3). Decoding never throws: bad input
// yields a reason for the debug log. Encoding fits options to a size limit.
import { layOutOptions, type OutgoingOption } from './option-layout.ts';
import { MAX_DATAGRAM_PAYLOAD, OptionPieces } from './option-pieces.ts';
import { Option, messageTypeOf, readAddress, readUint16, readUint32, writeAddress, type MessageType } from './options.ts';
import { PacketOptions } from './packet-options.ts';

export type { OutgoingOption } from './option-layout.ts';

/** op, RFC 2131 §2: 1 from clients, 2 from servers. */
export type BootOp = 'BOOTREQUEST' | 'BOOTREPLY';

export interface PacketHeader {
  readonly op: BootOp;
  /** Hardware type, 1 for Ethernet (RFC 1700). */
  readonly htype: number;
  /** Hardware address length, at most 16 (the size of chaddr). */
  readonly hlen: number;
  readonly hops: number;
  readonly xid: number;
  readonly secs: number;
  /** All 16 flag bits; `broadcast` is the one RFC 2131 defines. */
  readonly flags: number;
  readonly ciaddr: string;
  readonly yiaddr: string;
  readonly siaddr: string;
  readonly giaddr: string;
  /** The client's hardware address: hlen bytes. */
  readonly chaddr: Uint8Array;
}

export interface DhcpPacket extends PacketHeader {
  /** RFC 2131 §2: the client can't receive unicast before it has an address. */
  readonly broadcast: boolean;
  /** Server host name and boot file; '' when empty or when they carry options (overload). */
  readonly sname: string;
  readonly file: string;
  readonly messageType: MessageType;
  readonly options: PacketOptions;
}

export type DecodeResult = { readonly ok: true; readonly packet: DhcpPacket } | { readonly ok: false; readonly reason: string };

export const BROADCAST_FLAG = 0x8000;
const SNAME = 44;
const FILE = 108;
const COOKIE = 236;
const OPTIONS_START = 240;
/** RFC 1542 §2.1: relay agents may drop BOOTP messages shorter than 300 bytes. */
const MIN_PACKET = 300;
const MAGIC_COOKIE = 0x63825363; // 99.130.83.99, RFC 2131 §3

/** Option instances in the order RFC 3396 concatenates them: options, file, sname. */
const pieces = new OptionPieces();

function malformed(reason: string): DecodeResult {
  return { ok: false, reason };
}

/** Decodes one UDP payload. Never throws; `reason` says why a packet is refused. */
export function decodePacket(bytes: Uint8Array): DecodeResult {
  if (bytes.length < OPTIONS_START) return malformed(`${bytes.length} bytes, shorter than a BOOTP header and magic cookie (240)`);
  if (bytes.length > MAX_DATAGRAM_PAYLOAD) return malformed(`${bytes.length} bytes, longer than a UDP datagram`);
  const opCode = bytes[0];
  if (opCode !== 1 && opCode !== 2) return malformed(`op ${opCode} is neither BOOTREQUEST (1) nor BOOTREPLY (2)`);
  const hlen = bytes[2]!;
  if (hlen > 16) return malformed(`hlen ${hlen} is longer than chaddr (16)`);
  if (readUint32(bytes, COOKIE) !== MAGIC_COOKIE) return malformed('no DHCP magic cookie (a BOOTP-only packet, or not BOOTP at all)');

  pieces.reset();
  const problem = scanArea(bytes, OPTIONS_START, bytes.length, 'options');
  if (problem) return malformed(problem);
  // RFC 2131 §4.1: only the options field may carry option 52; the file field
  // is read before sname, so their values concatenate in that order (RFC 3396 §6).
  const overloadValue = pieces.byteOf(bytes, Option.OVERLOAD);
  const overload = overloadValue ?? 0;
  if (overloadValue !== undefined && (overload < 1 || overload > 3)) return malformed('option 52 (overload) is not 1, 2 or 3');
  if (overload & 1) {
    const fileProblem = scanArea(bytes, FILE, COOKIE, 'file');
    if (fileProblem) return malformed(fileProblem);
  }
  if (overload & 2) {
    const snameProblem = scanArea(bytes, SNAME, FILE, 'sname');
    if (snameProblem) return malformed(snameProblem);
  }
  const lengthError = pieces.lengthProblem();
  if (lengthError) return malformed(lengthError);
  const values = pieces.values(bytes);
  const typeValue = values.get(Option.MESSAGE_TYPE);
  if (typeValue === undefined) return malformed('no message type (option 53): a BOOTP request, which hearth does not serve');
  const messageType = messageTypeOf(typeValue[0]!);
  if (messageType === undefined) return malformed(`unknown message type ${typeValue[0]}`);

  const flags = readUint16(bytes, 10);
  return {
    ok: true,
    packet: {
      op: opCode === 1 ? 'BOOTREQUEST' : 'BOOTREPLY',
      htype: bytes[1]!,
      hlen,
      hops: bytes[3]!,
      xid: readUint32(bytes, 4),
      secs: readUint16(bytes, 8),
      flags,
      broadcast: (flags & BROADCAST_FLAG) !== 0,
      ciaddr: readAddress(bytes, 12),
      yiaddr: readAddress(bytes, 16),
      siaddr: readAddress(bytes, 20),
      giaddr: readAddress(bytes, 24),
      chaddr: bytes.slice(28, 28 + hlen),
      sname: overload & 2 ? '' : fieldText(bytes, SNAME, FILE),
      file: overload & 1 ? '' : fieldText(bytes, FILE, COOKIE),
      messageType,
      options: new PacketOptions(values),
    },
  };
}

/**
 * Reads the options in bytes [start, end) into `pieces`. PAD is skipped and
 * END stops (bytes after it are ignored). An area that runs out at an option
 * boundary without END is accepted: several clients omit END when the options
 * exactly fill a field, and every option read was whole. An option whose
 * length runs past the area is not: nothing after it can be trusted.
 */
function scanArea(bytes: Uint8Array, start: number, end: number, area: string): string | undefined {
  let at = start;
  while (at < end) {
    const code = bytes[at]!;
    if (code === Option.PAD) {
      at++;
      continue;
    }
    if (code === Option.END) return undefined;
    if (at + 1 >= end) return `option ${code} in ${area} has no length byte`;
    const length = bytes[at + 1]!;
    const valueEnd = at + 2 + length;
    if (valueEnd > end) return `option ${code} in ${area} claims ${length} bytes, ${valueEnd - end} more than there are`;
    // RFC 2131 §4.1: option 52 counts only in the options field.
    if (code !== Option.OVERLOAD || area === 'options') pieces.add(code, at + 2, valueEnd);
    at = valueEnd;
  }
  return undefined;
}

/** A NUL-terminated field (sname, file) as text, one character per byte. */
function fieldText(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let at = start; at < end && bytes[at] !== 0; at++) text += String.fromCharCode(bytes[at]!);
  return text;
}

/** A packet to send: the header, and its options in the order they go on the wire. */
export interface OutgoingPacket extends PacketHeader {
  readonly options: readonly OutgoingOption[];
}

export interface EncodedPacket {
  readonly bytes: Uint8Array;
  /** Codes of options left out because they did not fit in `maxLength`. */
  readonly dropped: readonly number[];
}

/**
 * Encodes a packet of at most `maxLength` bytes (the UDP payload; callers
 * derive it from option 57). Options that don't fit the options field
 * overflow into file, then sname (option 52); what still doesn't fit is
 * dropped, least important first (see option-layout.ts). Short packets are
 * padded to 300 bytes.
 */
export function encodePacket(packet: OutgoingPacket, maxLength: number): EncodedPacket {
  const layout = layOutOptions(packet.options, maxLength - OPTIONS_START);
  const out = new Uint8Array(Math.max(MIN_PACKET, OPTIONS_START + layout.main.length));
  out[0] = packet.op === 'BOOTREQUEST' ? 1 : 2;
  out[1] = packet.htype;
  out[2] = packet.hlen;
  out[3] = packet.hops;
  writeUint32(out, 4, packet.xid);
  out[8] = packet.secs >>> 8;
  out[9] = packet.secs & 0xff;
  out[10] = packet.flags >>> 8;
  out[11] = packet.flags & 0xff;
  writeAddress(out, 12, packet.ciaddr);
  writeAddress(out, 16, packet.yiaddr);
  writeAddress(out, 20, packet.siaddr);
  writeAddress(out, 24, packet.giaddr);
  out.set(packet.chaddr.subarray(0, 16), 28);
  if (layout.sname) out.set(layout.sname, SNAME);
  if (layout.file) out.set(layout.file, FILE);
  writeUint32(out, COOKIE, MAGIC_COOKIE);
  out.set(layout.main, OPTIONS_START);
  return { bytes: out, dropped: layout.dropped };
}

function writeUint32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}
