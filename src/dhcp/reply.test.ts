import { describe, expect, it } from 'vitest';
import { decodeClasslessRoutes } from './classless-routes.ts';
import { decodeDomainSearch } from './domain-search.ts';
import { Option } from './options.ts';
import { DHCLIENT_DISCOVER, clientPacket } from '../../test/support/dhcp-packets.ts';
import { decodePacket, type DhcpPacket } from './packet.ts';
import { encodeReply, type DhcpReply, type LeaseReply, type ReplyParameters } from './reply.ts';

function decoded(bytes: Uint8Array): DhcpPacket {
  const result = decodePacket(bytes);
  if (!result.ok) throw new Error(result.reason);
  return result.packet;
}

const PARAMETERS: ReplyParameters = {
  subnetMask: '255.255.255.0',
  routers: ['192.168.1.1'],
  dnsServers: ['192.168.1.2', '192.168.1.3'],
  domainName: 'home.lan',
  broadcastAddress: '192.168.1.255',
  ntpServers: ['192.168.1.4'],
  domainSearch: ['home.lan', 'iot.home.lan'],
  classlessRoutes: [{ destination: '10.0.0.0/8', gateway: '192.168.1.254' }],
};

const offer = (parameters: ReplyParameters = PARAMETERS): LeaseReply => ({
  type: 'OFFER',
  serverId: '192.168.1.2',
  yiaddr: '192.168.1.100',
  times: { lease: 43200 },
  parameters,
  hostname: 'laptop',
});

/** The reply to `request` as the client would decode it. */
function reply(request: Uint8Array, answer: DhcpReply): DhcpPacket {
  const encoded = encodeReply(decoded(request), answer);
  expect(encoded.dropped).toEqual([]);
  return decoded(encoded.bytes);
}

describe('which options a reply carries', () => {
  it('answers a dhclient DISCOVER with what its option 55 asks for, in its order, and nothing else', () => {
    const packet = reply(DHCLIENT_DISCOVER, offer());
    expect(packet.messageType).toBe('OFFER');
    // dhclient asks 1 28 2 3 15 6 119 12 44 47 26 121 42; hearth has no 2, 44, 47, 26.
    expect(packet.options.codes()).toEqual([53, 54, 51, 58, 59, 1, 28, 3, 15, 6, 119, 12, 121, 42]);
    expect(packet.options.address(Option.SUBNET_MASK)).toBe('255.255.255.0');
    expect(packet.options.addresses(Option.DNS_SERVERS)).toEqual(['192.168.1.2', '192.168.1.3']);
    expect(packet.options.text(Option.DOMAIN_NAME)).toBe('home.lan');
    expect(packet.options.hostname()).toBe('laptop');
    expect(decodeDomainSearch(packet.options.get(Option.DOMAIN_SEARCH)!)).toEqual(['home.lan', 'iot.home.lan']);
  });

  it('gives a client without option 55 the mask, router, DNS servers and domain', () => {
    const packet = reply(clientPacket('DISCOVER'), offer());
    expect(packet.options.codes()).toEqual([53, 54, 51, 58, 59, 1, 3, 6, 15]);
  });

  it('gives a client with an empty option 55 only what every reply carries', () => {
    const packet = reply(clientPacket('DISCOVER', [[Option.PARAMETER_REQUEST_LIST, []]]), offer());
    expect(packet.options.codes()).toEqual([53, 54, 51, 58, 59]);
  });

  it('leaves out what the client asks for but hearth has no value for', () => {
    const packet = reply(clientPacket('DISCOVER', [[Option.PARAMETER_REQUEST_LIST, [1, 3, 42, 119, 121]]]), offer({ subnetMask: '255.255.255.0' }));
    expect(packet.options.codes()).toEqual([53, 54, 51, 58, 59, 1]);
  });

  it('puts lease times in an OFFER and an ACK, T1 and T2 at half and seven eighths (RFC 2131 §4.4.5)', () => {
    for (const type of ['OFFER', 'ACK'] as const) {
      const packet = reply(clientPacket('REQUEST'), { ...offer(), type });
      expect(packet.messageType).toBe(type);
      const times = [packet.options.leaseTime(), packet.options.uint32(Option.RENEWAL_TIME), packet.options.uint32(Option.REBINDING_TIME)];
      expect(times).toEqual([43200, 21600, 37800]);
    }
  });

  it('sends T1 and T2 as given, and an infinite lease renews never', () => {
    const given = reply(clientPacket('REQUEST'), { ...offer(), type: 'ACK', times: { lease: 3600, renewal: 1000, rebinding: 2000 } });
    expect([given.options.uint32(Option.RENEWAL_TIME), given.options.uint32(Option.REBINDING_TIME)]).toEqual([1000, 2000]);
    const infinite = reply(clientPacket('REQUEST'), { ...offer(), type: 'ACK', times: { lease: 0xffffffff } });
    expect(infinite.options.uint32(Option.RENEWAL_TIME)).toBe(0xffffffff);
  });

  it('answers an INFORM with configuration but no address and no lease times (RFC 2131 §4.3.5)', () => {
    const packet = reply(clientPacket('INFORM', [], { ciaddr: '192.168.1.50' }), { type: 'INFORM-ACK', serverId: '192.168.1.2', parameters: PARAMETERS });
    expect(packet).toMatchObject({ messageType: 'ACK', ciaddr: '192.168.1.50', yiaddr: '0.0.0.0' });
    expect(packet.options.codes()).toEqual([53, 54, 1, 3, 6, 15]);
  });

  it('sends a NAK with only its type, server, message and the echoed identifiers (RFC 2131 table 3)', () => {
    const request = clientPacket(
      'REQUEST',
      [
        [Option.PARAMETER_REQUEST_LIST, [1, 3, 6]],
        [Option.CLIENT_ID, [1, 2, 0, 0, 0xaa, 0xbb, 0xcc]],
        [Option.RELAY_AGENT_INFO, [1, 2, 0x65, 0x30]],
        [Option.REQUESTED_ADDRESS, [10, 0, 0, 5]],
      ],
      { ciaddr: '10.0.0.5', giaddr: '192.168.1.254' },
    );
    const packet = reply(request, { type: 'NAK', serverId: '192.168.1.2', message: 'address not on this network' });
    expect(packet).toMatchObject({ messageType: 'NAK', ciaddr: '0.0.0.0', yiaddr: '0.0.0.0', giaddr: '192.168.1.254' });
    expect(packet.options.codes()).toEqual([53, 54, 56, 61, 82]);
    expect(packet.options.text(Option.MESSAGE)).toBe('address not on this network');
  });

  it('echoes the client identifier (RFC 6842) and the relay agent information, unchanged and last (RFC 3046 §2.2)', () => {
    const relayInfo = [1, 4, 0x65, 0x74, 0x68, 0x30, 2, 2, 0xab, 0xcd];
    const packet = reply(
      clientPacket('DISCOVER', [
        [Option.RELAY_AGENT_INFO, relayInfo],
        [Option.CLIENT_ID, [0, 0x68, 0x69]],
      ]),
      offer(),
    );
    expect(packet.options.codes().at(-1)).toBe(Option.RELAY_AGENT_INFO);
    expect([...packet.options.relayAgentInfo()!]).toEqual(relayInfo);
    expect([...packet.options.clientId()!]).toEqual([0, 0x68, 0x69]);
  });

  it('copies the header fields RFC 2131 table 3 asks for', () => {
    const request = clientPacket('DISCOVER', [], { xid: 0xcafe, flags: 0x8000, giaddr: '10.1.0.1', ciaddr: '10.1.0.9', secs: 9, hops: 2 });
    const packet = reply(request, { ...offer(), siaddr: '192.168.1.2' });
    expect(packet).toMatchObject({
      op: 'BOOTREPLY',
      xid: 0xcafe,
      broadcast: true,
      giaddr: '10.1.0.1',
      ciaddr: '0.0.0.0',
      secs: 0,
      hops: 0,
      yiaddr: '192.168.1.100',
      siaddr: '192.168.1.2',
      chaddr: decoded(request).chaddr,
    });
  });
});

describe('classless static routes (RFC 3442)', () => {
  const request = clientPacket('DISCOVER', [[Option.PARAMETER_REQUEST_LIST, [1, 3, 121]]]);

  it('adds the default route through the router, since the client then ignores option 3', () => {
    const packet = reply(request, offer());
    expect(decodeClasslessRoutes(packet.options.get(Option.CLASSLESS_ROUTES)!)).toEqual([
      { destination: '10.0.0.0/8', gateway: '192.168.1.254' },
      { destination: '0.0.0.0/0', gateway: '192.168.1.1' },
    ]);
    expect(packet.options.addresses(Option.ROUTER)).toEqual(['192.168.1.1']);
  });

  it('keeps a configured default route as it is', () => {
    const routes = [{ destination: '0.0.0.0/0', gateway: '192.168.1.9' }];
    const packet = reply(request, offer({ ...PARAMETERS, classlessRoutes: routes }));
    expect(decodeClasslessRoutes(packet.options.get(Option.CLASSLESS_ROUTES)!)).toEqual(routes);
  });
});

describe('the client FQDN option (RFC 4702)', () => {
  const fqdnRequest = (flags: number, name: number[]) => clientPacket('REQUEST', [[Option.CLIENT_FQDN, [flags, 0, 0, ...name]]]);
  const wireLaptop = [6, ...Buffer.from('laptop'), 0];

  it('answers in wire format with S set and RCODEs 255 when the server does the update the client asked for', () => {
    const packet = reply(fqdnRequest(0x05, wireLaptop), { ...offer(), type: 'ACK', fqdn: { updates: 'server', name: 'laptop.home.lan' } });
    expect([...packet.options.get(Option.CLIENT_FQDN)!]).toEqual([
      0x05,
      255,
      255,
      6,
      ...Buffer.from('laptop'),
      4,
      ...Buffer.from('home'),
      3,
      ...Buffer.from('lan'),
      0,
    ]);
    expect(packet.options.clientFqdn()).toEqual({ updates: 'server', encoding: 'wire', name: 'laptop.home.lan', qualified: true });
  });

  it('sets O when the server overrides the client, and answers ASCII in ASCII', () => {
    const packet = reply(fqdnRequest(0x00, [...Buffer.from('laptop')]), { ...offer(), type: 'ACK', fqdn: { updates: 'server', name: 'laptop.home.lan' } });
    const value = packet.options.get(Option.CLIENT_FQDN)!;
    expect(value[0]).toBe(0x03);
    expect(Buffer.from(value.subarray(3)).toString()).toBe('laptop.home.lan.');
  });

  it('is sent only to clients that sent one', () => {
    const packet = reply(clientPacket('REQUEST'), { ...offer(), type: 'ACK', fqdn: { updates: 'server', name: 'laptop.home.lan' } });
    expect(packet.options.has(Option.CLIENT_FQDN)).toBe(false);
  });
});

/** How many times `code` appears in the options field. */
function instancesOf(bytes: Uint8Array, code: number): number {
  let count = 0;
  for (let at = 240; at < bytes.length && bytes[at] !== Option.END; at += bytes[at] === Option.PAD ? 1 : 2 + bytes[at + 1]!) {
    if (bytes[at] === code) count++;
  }
  return count;
}

describe('the size of a reply', () => {
  const everything = [1, 3, 6, 12, 15, 28, 42, 119, 121];
  const longSearch = Array.from({ length: 30 }, (_, i) => `zone-number-${i}.example-site-${i}.lan`);

  it('is padded to the 300 bytes of a BOOTP message (RFC 1542 §2.1)', () => {
    const encoded = encodeReply(decoded(clientPacket('REQUEST')), { type: 'NAK', serverId: '192.168.1.2' });
    expect(encoded.bytes.length).toBe(300);
  });

  it('splits an option longer than 255 bytes into instances that concatenate back (RFC 3396)', () => {
    const request = decoded(
      clientPacket('DISCOVER', [
        [Option.PARAMETER_REQUEST_LIST, [119]],
        [Option.MAX_MESSAGE_SIZE, [5, 0xdc]],
      ]),
    );
    const encoded = encodeReply(request, offer({ domainSearch: longSearch }));
    expect(instancesOf(encoded.bytes, Option.DOMAIN_SEARCH)).toBeGreaterThan(1);
    expect(decodeDomainSearch(decoded(encoded.bytes).options.get(Option.DOMAIN_SEARCH)!)).toEqual(longSearch);
    expect(encoded.bytes.length).toBeLessThanOrEqual(1500 - 28);
  });

  it('overflows into file and sname when the options field is full (RFC 2131 §4.1), within 576 bytes', () => {
    const request = decoded(clientPacket('DISCOVER', [[Option.PARAMETER_REQUEST_LIST, everything]]));
    const search = longSearch.slice(0, 8);
    const encoded = encodeReply(request, offer({ ...PARAMETERS, domainSearch: search }));
    expect(encoded.bytes.length).toBeLessThanOrEqual(576 - 28);
    expect(encoded.dropped).toEqual([]);
    const packet = decoded(encoded.bytes);
    expect(packet.options.get(Option.OVERLOAD)?.[0]).toBeGreaterThan(0);
    expect(decodeDomainSearch(packet.options.get(Option.DOMAIN_SEARCH)!)).toEqual(search);
    expect(packet.options.hostname()).toBe('laptop');
  });

  it('drops the least important options when even file and sname are full, never the lease', () => {
    const request = decoded(clientPacket('DISCOVER', [[Option.PARAMETER_REQUEST_LIST, everything]]));
    const encoded = encodeReply(request, offer({ ...PARAMETERS, domainSearch: longSearch }));
    expect(encoded.dropped).toEqual([Option.DOMAIN_SEARCH]);
    const packet = decoded(encoded.bytes);
    expect(packet.options.codes()).toEqual(expect.arrayContaining([53, 54, 51, 58, 59, 1, 3, 6, 12, 15, 28, 42, 121]));
    expect(encoded.bytes.length).toBeLessThanOrEqual(576 - 28);
  });

  it('uses the larger size a client announces instead of overloading', () => {
    const request = decoded(
      clientPacket('DISCOVER', [
        [Option.PARAMETER_REQUEST_LIST, everything],
        [Option.MAX_MESSAGE_SIZE, [5, 0xdc]],
      ]),
    );
    const encoded = encodeReply(request, offer({ ...PARAMETERS, domainSearch: longSearch.slice(0, 8) }));
    expect(encoded.bytes.length).toBeGreaterThan(576);
    expect(decoded(encoded.bytes).options.has(Option.OVERLOAD)).toBe(false);
  });
});
