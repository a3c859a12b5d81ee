// Packets for the codec's tests and fuzz test: two real DISCOVERs and a
// builder for client messages.
import { messageTypeCode, type MessageType } from '../../src/dhcp/options.ts';
import { encodePacket, type PacketHeader } from '../../src/dhcp/packet.ts';

function hex(...parts: string[]): Uint8Array {
  return Uint8Array.from(Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex'));
}

const zeros = (count: number) => '00'.repeat(count);

/**
 * Captured with tcpdump on a veth pair between two network namespaces
 * (Debian 12): ISC dhclient 4.4.3-P1 (`dhclient -4 -d hcv0`), MAC
 * 52:54:00:12:34:56, hostname "vm". The UDP payload, 300 bytes.
 */
export const DHCLIENT_DISCOVER = hex(
  '01 01 06 00',
  '0f a1 c7 64',
  '0000 0000', // op, htype, hlen, hops; xid; secs, flags
  zeros(16), // ciaddr, yiaddr, siaddr, giaddr
  '52 54 00 12 34 56',
  zeros(10), // chaddr
  zeros(64 + 128), // sname, file
  '63 82 53 63', // magic cookie
  '35 01 01', // 53: DISCOVER
  '0c 02 76 6d', // 12: "vm"
  '37 0d 01 1c 02 03 0f 06 77 0c 2c 2f 1a 79 2a', // 55
  'ff',
  zeros(37),
);

/** The same set-up with busybox 1.35.0 (`busybox udhcpc -i hcv0 -f -n -q`), MAC 52:54:00:ab:cd:ef. */
export const UDHCPC_DISCOVER = hex(
  '01 01 06 00',
  'a7 88 69 65',
  '0000 0000',
  zeros(16),
  '52 54 00 ab cd ef',
  zeros(10),
  zeros(64 + 128),
  '63 82 53 63',
  '35 01 01', // 53: DISCOVER
  '39 02 02 40', // 57: 576
  '37 07 01 03 06 0c 0f 1c 2a', // 55
  '3c 0c 75 64 68 63 70 20 31 2e 33 35 2e 30', // 60: "udhcp 1.35.0"
  '3d 07 01 52 54 00 ab cd ef', // 61: type 1 (Ethernet) + MAC
  'ff',
  zeros(20),
);

export const CLIENT_MAC = Uint8Array.of(0x02, 0x00, 0x00, 0xaa, 0xbb, 0xcc);

/** A client message of `type` with `options` (code, value) after option 53, from CLIENT_MAC. */
type OptionList = readonly (readonly [number, ArrayLike<number>])[];

export function clientPacket(type: MessageType, options: OptionList = [], header: Partial<PacketHeader> = {}): Uint8Array {
  return encodePacket(
    {
      op: 'BOOTREQUEST',
      htype: 1,
      hlen: 6,
      hops: 0,
      xid: 0x12345678,
      secs: 0,
      flags: 0,
      ciaddr: '0.0.0.0',
      yiaddr: '0.0.0.0',
      siaddr: '0.0.0.0',
      giaddr: '0.0.0.0',
      chaddr: CLIENT_MAC,
      ...header,
      options: [[53, [messageTypeCode(type)]] as const, ...options].map(([code, value]) => ({ code, value: Uint8Array.from(value), rank: 0 })),
    },
    1472,
  ).bytes;
}
