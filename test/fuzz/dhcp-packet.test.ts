// 100,000 random and mutated DHCP packets through the codec: random bytes,
// truncations, flipped bytes, option lengths that overrun, overload flags
// pointing at garbage, long runs of PAD, tens of thousands of options. The
// decoder must never throw; whatever it accepts, every typed reader must read
// without throwing and a reply to it must encode within the client's size
// and decode again, as the server will do with each packet it receives.
import { describe, expect, it } from 'vitest';
import { decodeClasslessRoutes } from '../../src/dhcp/classless-routes.ts';
import { decodeDomainSearch } from '../../src/dhcp/domain-search.ts';
import { Option } from '../../src/dhcp/options.ts';
import { DHCLIENT_DISCOVER, UDHCPC_DISCOVER, clientPacket } from '../support/dhcp-packets.ts';
import { decodePacket, type DhcpPacket } from '../../src/dhcp/packet.ts';
import { encodeReply } from '../../src/dhcp/reply.ts';
import { seededRandom } from '../support/random.ts';

const PACKETS = 100_000;
const MAX_UDP_PAYLOAD = 65_507;
const OPTIONS_START = 240;
const SNAME = 44;

const VALID = [
  DHCLIENT_DISCOVER,
  UDHCPC_DISCOVER,
  clientPacket(
    'REQUEST',
    [
      [Option.REQUESTED_ADDRESS, [192, 168, 1, 100]],
      [Option.SERVER_ID, [192, 168, 1, 2]],
      [Option.CLIENT_FQDN, [0x05, 0, 0, 2, 0x74, 0x76, 4, 0x68, 0x6f, 0x6d, 0x65, 0]],
      [Option.PARAMETER_REQUEST_LIST, [1, 3, 6, 12, 15, 28, 42, 119, 121]],
      [Option.MAX_MESSAGE_SIZE, [2, 64]],
      [Option.CLIENT_ID, [1, 2, 0, 0, 0xaa, 0xbb, 0xcc]],
      [Option.RELAY_AGENT_INFO, [1, 2, 0x65, 0x30]],
      [Option.DOMAIN_SEARCH, [3, 0x6c, 0x61, 0x6e, 0, 2, 0x69, 0x6f, 0xc0, 0]],
      [Option.CLASSLESS_ROUTES, [8, 10, 192, 168, 1, 1]],
    ],
    { giaddr: '10.0.0.1', flags: 0x8000 },
  ),
];

/** One bad packet of a kind chosen by `rand`. */
function badPacket(rand: () => number): Uint8Array {
  const below = (n: number) => Math.floor(rand() * n);
  const byte = () => below(256);
  const base = VALID[below(VALID.length)]!;
  const bytes = Uint8Array.from(base);
  switch (below(8)) {
    case 0: // random bytes, sometimes behind a valid header and cookie
      return rand() < 0.5
        ? Uint8Array.from({ length: below(700) }, byte)
        : Uint8Array.from([...base.subarray(0, OPTIONS_START), ...Array.from({ length: below(400) }, byte)]);
    case 1: // truncated anywhere, header included
      return bytes.subarray(0, below(bytes.length));
    case 2: {
      // a few bytes flipped or replaced anywhere
      for (let i = 0, n = 1 + below(8); i < n; i++) {
        const at = rand() < 0.7 ? OPTIONS_START + below(bytes.length - OPTIONS_START) : below(bytes.length);
        bytes[at] = rand() < 0.5 ? bytes[at]! ^ (1 << below(8)) : byte();
      }
      return bytes;
    }
    case 3: {
      // an option length that overruns (or underruns) the packet
      const at = OPTIONS_START + 1 + 2 * below(6);
      bytes[at] = rand() < 0.7 ? 200 + below(56) : byte();
      return bytes.subarray(0, OPTIONS_START + below(bytes.length - OPTIONS_START + 1));
    }
    case 4: {
      // overload pointing at garbage, or at options that overrun the fields
      const overload = rand() < 0.8 ? 1 + below(3) : byte();
      const overloaded = Uint8Array.from([...bytes.subarray(0, OPTIONS_START), Option.OVERLOAD, 1, overload, ...bytes.subarray(OPTIONS_START)]);
      for (let at = SNAME; at < OPTIONS_START - 4; at++) overloaded[at] = rand() < 0.3 ? byte() : rand() < 0.5 ? 0 : 12;
      return overloaded;
    }
    case 5: {
      // a long run of PAD, with or without an END, up to the largest UDP payload
      const length = rand() < 0.02 ? MAX_UDP_PAYLOAD : OPTIONS_START + 3 + below(4000);
      const padded = new Uint8Array(length);
      padded.set(base.subarray(0, OPTIONS_START + 3));
      if (rand() < 0.5) padded[length - 1] = Option.END;
      return padded;
    }
    case 6: {
      // a huge number of options, repeated (RFC 3396 concatenation) or varied
      const length = rand() < 0.02 ? MAX_UDP_PAYLOAD : OPTIONS_START + 3 + below(3000);
      const many = new Uint8Array(length);
      many.set(base.subarray(0, OPTIONS_START + 3));
      const code = rand() < 0.5 ? Option.HOSTNAME : Option.DOMAIN_SEARCH;
      for (let at = OPTIONS_START + 3; at + 2 < length; at += 2 + many[at + 1]!) {
        many[at] = rand() < 0.9 ? code : 1 + below(254);
        many[at + 1] = rand() < 0.8 ? 0 : below(4);
      }
      return many;
    }
    default: {
      // random well-formed options of random codes and lengths
      const options = Array.from({ length: below(40) }, () => [1 + below(254), Array.from({ length: below(20) }, byte)] as const);
      return clientPacket(rand() < 0.5 ? 'DISCOVER' : 'REQUEST', options);
    }
  }
}

/** What the server will do with an accepted packet: read every option it knows and reply. */
function serve(packet: DhcpPacket): void {
  const { options } = packet;
  options.requestedAddress();
  options.serverId();
  options.leaseTime();
  options.hostname();
  options.clientFqdn();
  options.clientId();
  options.parameterRequestList();
  options.vendorClass();
  options.relayAgentInfo();
  const search = options.get(Option.DOMAIN_SEARCH);
  if (search) decodeDomainSearch(search);
  const routes = options.get(Option.CLASSLESS_ROUTES);
  if (routes) decodeClasslessRoutes(routes);
  const reply = encodeReply(packet, {
    type: 'ACK',
    serverId: '192.168.1.2',
    yiaddr: '192.168.1.100',
    times: { lease: 3600 },
    parameters: { subnetMask: '255.255.255.0', routers: ['192.168.1.1'], dnsServers: ['192.168.1.2'], domainName: 'home.lan', domainSearch: ['home.lan'] },
    hostname: 'tv',
    fqdn: { updates: 'server', name: 'tv.home.lan' },
  });
  const limit = Math.min(1500, options.maxMessageSize() ?? 576) - 28;
  if (reply.bytes.length > Math.max(300, limit)) throw new Error(`reply of ${reply.bytes.length} bytes for a limit of ${limit}`);
  const back = decodePacket(reply.bytes);
  if (!back.ok) throw new Error(`the reply does not decode: ${back.reason}`);
}

describe('DHCP codec fuzz', () => {
  it(`decodes ${PACKETS.toLocaleString('en')} random and mutated packets without throwing, and can answer every one it accepts`, () => {
    const rand = seededRandom(0xd4c9);
    let accepted = 0;
    for (let i = 0; i < PACKETS; i++) {
      const bytes = badPacket(rand);
      let result: ReturnType<typeof decodePacket>;
      try {
        result = decodePacket(bytes);
        if (result.ok) serve(result.packet);
      } catch (error) {
        throw new Error(`packet ${i} (${Buffer.from(bytes.subarray(0, 600)).toString('hex')}): ${String(error)}`);
      }
      if (result.ok) accepted++;
      else expect(result.reason).not.toBe('');
    }
    // Both paths are exercised: a fuzz run that rejects everything tests little.
    expect(accepted).toBeGreaterThan(PACKETS / 10);
    expect(accepted).toBeLessThan(PACKETS);
  });
});
