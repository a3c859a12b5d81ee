import { describe, expect, it } from 'vitest';
import { Option } from './options.ts';
import { CLIENT_MAC, DHCLIENT_DISCOVER, UDHCPC_DISCOVER, clientPacket } from '../../test/support/dhcp-packets.ts';
import { decodePacket, encodePacket, type DhcpPacket } from './packet.ts';

const SNAME = 44;
const FILE = 108;
const text = (value: string) => [...Buffer.from(value)];

function decoded(bytes: Uint8Array): DhcpPacket {
  const result = decodePacket(bytes);
  if (!result.ok) throw new Error(result.reason);
  return result.packet;
}

function refusal(bytes: Uint8Array): string {
  const result = decodePacket(bytes);
  if (result.ok) throw new Error('decoded a packet that should be refused');
  return result.reason;
}

/** `bytes` with `patch` written at `at`. */
function patched(bytes: Uint8Array, at: number, patch: readonly number[]): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy.set(patch, at);
  return copy;
}

describe('decoding what real clients send', () => {
  it('reads an ISC dhclient DISCOVER', () => {
    const packet = decoded(DHCLIENT_DISCOVER);
    expect(packet).toMatchObject({
      op: 'BOOTREQUEST',
      htype: 1,
      hlen: 6,
      hops: 0,
      xid: 0x0fa1c764,
      secs: 0,
      broadcast: false,
      ciaddr: '0.0.0.0',
      giaddr: '0.0.0.0',
      sname: '',
      file: '',
      messageType: 'DISCOVER',
    });
    expect(packet.chaddr).toEqual(Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56));
    expect(packet.options.hostname()).toBe('vm');
    expect([...packet.options.parameterRequestList()!]).toEqual([1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42]);
    expect(packet.options.maxMessageSize()).toBeUndefined();
    expect(packet.options.clientId()).toBeUndefined();
  });

  it('reads a busybox udhcpc DISCOVER', () => {
    const packet = decoded(UDHCPC_DISCOVER);
    expect(packet.messageType).toBe('DISCOVER');
    expect(packet.options.maxMessageSize()).toBe(576);
    expect(packet.options.vendorClass()).toBe('udhcp 1.35.0');
    expect(packet.options.clientId()).toEqual(Uint8Array.of(1, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef));
    expect([...packet.options.parameterRequestList()!]).toEqual([1, 3, 6, 12, 15, 28, 42]);
  });

  it('reads the options a REQUEST carries', () => {
    const packet = decoded(
      clientPacket(
        'REQUEST',
        [
          [Option.REQUESTED_ADDRESS, [192, 168, 1, 100]],
          [Option.SERVER_ID, [192, 168, 1, 1]],
          [Option.LEASE_TIME, [0, 0, 0x0e, 0x10]],
          [Option.RELAY_AGENT_INFO, [1, 3, 0x65, 0x74, 0x68]],
        ],
        { flags: 0x8000, giaddr: '10.0.0.1', hops: 1, secs: 7 },
      ),
    );
    expect(packet).toMatchObject({ messageType: 'REQUEST', broadcast: true, flags: 0x8000, giaddr: '10.0.0.1', hops: 1, secs: 7 });
    expect(packet.options.requestedAddress()).toBe('192.168.1.100');
    expect(packet.options.serverId()).toBe('192.168.1.1');
    expect(packet.options.leaseTime()).toBe(3600);
    expect(packet.options.relayAgentInfo()).toEqual(Uint8Array.of(1, 3, 0x65, 0x74, 0x68));
  });

  it('raises an announced maximum message size below 576 to 576', () => {
    expect(decoded(clientPacket('DISCOVER', [[Option.MAX_MESSAGE_SIZE, [1, 0]]])).options.maxMessageSize()).toBe(576);
    expect(decoded(clientPacket('DISCOVER', [[Option.MAX_MESSAGE_SIZE, [5, 0xdc]]])).options.maxMessageSize()).toBe(1500);
  });

  it('reads an empty hostname or vendor class as absent instead of refusing the packet', () => {
    const packet = decoded(
      clientPacket('DISCOVER', [
        [Option.HOSTNAME, []],
        [Option.VENDOR_CLASS, [0]],
      ]),
    );
    expect(packet.options.hostname()).toBeUndefined();
    expect(packet.options.vendorClass()).toBeUndefined();
  });

  it('reads sname and file as text when they are not overloaded', () => {
    const bytes = patched(patched(clientPacket('DISCOVER'), SNAME, text('boot-server')), FILE, text('pxelinux.0'));
    expect(decoded(bytes)).toMatchObject({ sname: 'boot-server', file: 'pxelinux.0' });
  });
});

describe('the options area', () => {
  it('skips PAD and ignores everything after END', () => {
    const bytes = clientPacket('INFORM');
    const padded = new Uint8Array([...bytes.subarray(0, 240), 0, 0, 0, ...bytes.subarray(240, 243), 0, 0xff, 12, 200, 1]);
    const packet = decoded(padded);
    expect(packet.messageType).toBe('INFORM');
    expect(packet.options.codes()).toEqual([Option.MESSAGE_TYPE]);
  });

  it('accepts an options area that ends without END after a whole option', () => {
    const bytes = clientPacket('DISCOVER', [[Option.HOSTNAME, text('tv')]]);
    const end = bytes.indexOf(0xff, 240);
    expect(decoded(bytes.subarray(0, end)).options.hostname()).toBe('tv');
  });

  it('concatenates an option split into several instances (RFC 3396)', () => {
    const packet = decoded(
      clientPacket('DISCOVER', [
        [Option.HOSTNAME, text('living')],
        [Option.PARAMETER_REQUEST_LIST, [1, 3]],
        [Option.HOSTNAME, text('-room')],
      ]),
    );
    expect(packet.options.hostname()).toBe('living-room');
  });

  it('reads options overloaded into file, then sname, in that order (RFC 2131 §4.1)', () => {
    const main = clientPacket('DISCOVER', [
      [Option.OVERLOAD, [3]],
      [Option.HOSTNAME, text('a')],
    ]);
    const withFile = patched(main, FILE, [Option.HOSTNAME, 1, 0x62, Option.LEASE_TIME, 4, 0, 0, 0, 60, 0xff]);
    const packet = decoded(patched(withFile, SNAME, [0, Option.HOSTNAME, 1, 0x63, 0xff]));
    expect(packet.options.hostname()).toBe('abc');
    expect(packet.options.leaseTime()).toBe(60);
    expect(packet).toMatchObject({ sname: '', file: '' });
  });

  it('reads only the field the overload option names', () => {
    const main = clientPacket('DISCOVER', [[Option.OVERLOAD, [2]]]);
    const packet = decoded(patched(patched(main, FILE, text('pxelinux.0')), SNAME, [Option.HOSTNAME, 2, 0x74, 0x76, 0xff]));
    expect(packet.options.hostname()).toBe('tv');
    expect(packet.file).toBe('pxelinux.0');
  });

  it('ignores an overload option inside an overloaded field', () => {
    const main = clientPacket('DISCOVER', [[Option.OVERLOAD, [1]]]);
    const packet = decoded(patched(main, FILE, [Option.OVERLOAD, 1, 2, 0xff]));
    expect(packet.options.get(Option.OVERLOAD)).toEqual(Uint8Array.of(1));
  });
});

describe('malformed packets are refused with a reason', () => {
  const discover = clientPacket('DISCOVER');

  it.each([
    ['too short for the header and cookie', discover.subarray(0, 239), /shorter/],
    ['an op that is neither request nor reply', patched(discover, 0, [3]), /op 3/],
    ['a hardware address longer than chaddr', patched(discover, 2, [17]), /hlen 17/],
    ['no magic cookie', patched(discover, 236, [0x63, 0x82, 0x53, 0x64]), /cookie/],
    ['an option running past the end', patched(discover, 243, [Option.HOSTNAME, 200, 0x61]).subarray(0, 260), /claims 200 bytes/],
    ['an option cut off before its length', Uint8Array.from([...discover.subarray(0, 243), Option.HOSTNAME]), /no length/],
    ['no message type (plain BOOTP)', patched(discover, 240, [0, 0, 0]), /option 53/],
    ['an unknown message type', patched(discover, 242, [9]), /message type 9/],
    ['a requested address of 3 bytes', clientPacket('REQUEST', [[Option.REQUESTED_ADDRESS, [10, 0, 0]]]), /option 50 is 3 bytes/],
    ['a router list that is not whole addresses', clientPacket('REQUEST', [[Option.ROUTER, [10, 0, 0, 1, 2]]]), /multiple of 4/],
    ['an overload value out of range', clientPacket('DISCOVER', [[Option.OVERLOAD, [4]]]), /overload/],
    ['garbage in an overloaded field', patched(clientPacket('DISCOVER', [[Option.OVERLOAD, [1]]]), FILE + 127, [Option.HOSTNAME]), /in file has no length/],
  ])('%s', (_, bytes, reason) => {
    expect(refusal(bytes)).toMatch(reason);
  });
});

describe('encoding', () => {
  it('round-trips every header field', () => {
    const header = {
      op: 'BOOTREPLY' as const,
      htype: 6,
      hlen: 6,
      hops: 3,
      xid: 0xdeadbeef,
      secs: 65535,
      flags: 0x8000,
      ciaddr: '1.2.3.4',
      yiaddr: '192.168.1.100',
      siaddr: '192.168.1.1',
      giaddr: '10.255.0.1',
      chaddr: CLIENT_MAC,
    };
    const { bytes } = encodePacket({ ...header, options: [{ code: Option.MESSAGE_TYPE, value: Uint8Array.of(2), rank: 0 }] }, 548);
    expect(bytes.length).toBe(300);
    expect(decoded(bytes)).toMatchObject({ ...header, broadcast: true, messageType: 'OFFER', sname: '', file: '' });
  });

  it('writes the same bytes the captured clients sent', () => {
    const packet = decoded(UDHCPC_DISCOVER);
    const options = packet.options.codes().map((code) => ({ code, value: packet.options.get(code)!, rank: 0 }));
    expect(encodePacket({ ...packet, options }, 576).bytes).toEqual(UDHCPC_DISCOVER);
  });
});
