import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { DECLINE_HOLD_MS } from './bindings.ts';
import { Option } from './options.ts';
import { BROADCAST_FLAG } from './packet.ts';
import { BROADCAST, TestClient, capturingLogger, TestServer, ip, lease, type Sent } from '../../test/support/dhcp-server.ts';

const servers: TestServer[] = [];
function server(config: Record<string, unknown> = {}): TestServer {
  const made = new TestServer(config);
  servers.push(made);
  return made;
}
afterEach(() => {
  for (const made of servers.splice(0)) made.close();
});

const HOUR = 3600_000;
const laptop = new TestClient('02:00:00:00:00:01', [[Option.HOSTNAME, Buffer.from("Anna's Laptop")]]);
const phone = new TestClient('02:00:00:00:00:02');
const tv = new TestClient('02:00:00:00:00:03');

const uint32 = (sent: Sent, code: number) => sent.packet.options.uint32(code);
const uint32Bytes = (value: number) => [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];

describe('DHCP server: getting an address (DISCOVER, OFFER, REQUEST, ACK)', () => {
  it('offers the first free address with the network settings, and ACKs it once requested', async () => {
    const dhcp = server();
    const [offer] = await dhcp.exchange(phone.discover());
    expect(offer).toMatchObject({ address: BROADCAST, port: 6701 });
    expect(offer!.packet.messageType).toBe('OFFER');
    expect(offer!.packet.yiaddr).toBe('192.168.1.100');
    expect(offer!.packet.options.serverId()).toBe('127.0.0.1');
    expect(offer!.packet.options.address(Option.SUBNET_MASK)).toBe('255.255.255.0');
    expect(offer!.packet.options.addresses(Option.ROUTER)).toEqual(['192.168.1.1']);
    // No dns_servers configured: the server itself.
    expect(offer!.packet.options.addresses(Option.DNS_SERVERS)).toEqual(['127.0.0.1']);
    expect(offer!.packet.options.text(Option.DOMAIN_NAME)).toBe('home.lan');

    const [ack] = await dhcp.exchange(phone.select('192.168.1.100'));
    expect(ack!.packet.messageType).toBe('ACK');
    expect(ack!.packet.yiaddr).toBe('192.168.1.100');
    expect(uint32(ack!, Option.LEASE_TIME)).toBe(12 * 3600);
    expect(uint32(ack!, Option.RENEWAL_TIME)).toBe(6 * 3600);
    expect(uint32(ack!, Option.REBINDING_TIME)).toBe(10.5 * 3600);
    expect(dhcp.store.active('192.168.1.100')?.mac).toBe('02:00:00:00:00:02');
  });

  it('does not offer one address to two clients that DISCOVER one after the other', async () => {
    const dhcp = server();
    const [first] = await dhcp.exchange(phone.discover());
    const [second] = await dhcp.exchange(tv.discover());
    expect(first!.packet.yiaddr).not.toBe(second!.packet.yiaddr);
  });

  it('offers the address a client asks for when it is free', async () => {
    const dhcp = server();
    const [offer] = await dhcp.exchange(phone.discover([[Option.REQUESTED_ADDRESS, ip('192.168.1.105')]]));
    expect(offer!.packet.yiaddr).toBe('192.168.1.105');
  });

  it('grants a shorter lease time a client asks for, down to two minutes, and never a longer one', async () => {
    const asking = (seconds: number) => new TestClient('02:00:00:00:00:09', [[Option.LEASE_TIME, uint32Bytes(seconds)]]);
    const dhcp = server();
    const ack = await lease(dhcp, asking(3600));
    expect([uint32(ack, Option.LEASE_TIME), uint32(ack, Option.RENEWAL_TIME)]).toEqual([3600, 1800]);
    expect(dhcp.store.active(ack.packet.yiaddr)?.expires).toBe(dhcp.clock + HOUR);
    expect(uint32(await lease(dhcp, asking(5)), Option.LEASE_TIME)).toBe(120);
    expect(uint32(await lease(dhcp, asking(7 * 24 * 3600)), Option.LEASE_TIME)).toBe(12 * 3600);
  });

  it('sends the ACK only once the lease can be read from the database by another connection', async () => {
    const dhcp = server();
    const [offer] = await dhcp.exchange(phone.discover());
    let row: unknown;
    dhcp.onSend = () => {
      const reader = new DatabaseSync(join(dhcp.dir, 'dhcp.db'), { readOnly: true });
      row = reader.prepare('SELECT mac FROM leases WHERE address = ?').get(offer!.packet.yiaddr);
      reader.close();
    };
    await dhcp.exchange(phone.select(offer!.packet.yiaddr));
    expect(row).toEqual({ mac: '02:00:00:00:00:02' });
  });

  it("ignores a REQUEST that takes another server's offer, and frees its own", async () => {
    const dhcp = server({ range: ['192.168.1.100', '192.168.1.100'] });
    const [offer] = await dhcp.exchange(phone.discover());
    expect(await dhcp.exchange(phone.select('192.168.1.50', '192.168.1.2'))).toEqual([]);
    const [next] = await dhcp.exchange(tv.discover());
    expect(next!.packet.yiaddr).toBe(offer!.packet.yiaddr);
  });

  it('never ACKs two clients for one address', async () => {
    const dhcp = server();
    const [offer] = await dhcp.exchange(phone.discover());
    const address = offer!.packet.yiaddr;
    dhcp.server.handle(phone.select(address));
    dhcp.server.handle(tv.select(address));
    await new Promise((done) => setImmediate(done));
    expect(dhcp.sent.slice(1).map((sent) => [sent.packet.messageType, sent.packet.chaddr[5]])).toEqual([
      ['NAK', 3],
      ['ACK', 2],
    ]);
    expect(dhcp.store.active(address)?.mac).toBe('02:00:00:00:00:02');
  });

  it('answers a relay on the server port, and only relays inside the subnet', async () => {
    const dhcp = server();
    const [offer] = await dhcp.exchange(phone.discover([], { giaddr: '192.168.1.2' }));
    expect(offer).toMatchObject({ address: '192.168.1.2', port: 6700 });
    expect(await dhcp.exchange(phone.reboot('192.168.1.150', { giaddr: '192.168.1.2' }))).toEqual([]); // no record of the client yet: silent
    await dhcp.exchange(phone.select(offer!.packet.yiaddr, '127.0.0.1', { giaddr: '192.168.1.2' }));
    const [refusal] = await dhcp.exchange(phone.reboot('192.168.1.150', { giaddr: '192.168.1.2' }));
    expect(refusal!.packet.messageType).toBe('NAK');
    expect(refusal).toMatchObject({ address: '192.168.1.2', port: 6700 });
    expect(refusal!.packet.flags & BROADCAST_FLAG).toBe(BROADCAST_FLAG);
    expect(await dhcp.exchange(tv.discover([], { giaddr: '10.0.0.1' }))).toEqual([]);
  });

  it('drops garbage without a word', async () => {
    const dhcp = server();
    expect(await dhcp.exchange(Uint8Array.of(1, 2, 3))).toEqual([]);
    expect(await dhcp.exchange(new Uint8Array(600))).toEqual([]);
  });
});

describe('DHCP server: keeping an address', () => {
  it('renews a lease by unicast to the client', async () => {
    const dhcp = server();
    await lease(dhcp, phone);
    dhcp.clock += 6 * HOUR;
    const [ack] = await dhcp.exchange(phone.renew('192.168.1.100'));
    expect(ack).toMatchObject({ address: '192.168.1.100', port: 6701 });
    expect(ack!.packet.messageType).toBe('ACK');
    expect(dhcp.store.active('192.168.1.100')?.expires).toBe(dhcp.clock + 12 * HOUR);
  });

  it('rebinds a client whose lease ran out while nobody took its address', async () => {
    const dhcp = server();
    await lease(dhcp, phone);
    dhcp.clock += 13 * HOUR;
    dhcp.bindings.sweep();
    const [ack] = await dhcp.exchange(phone.renew('192.168.1.100'));
    expect(ack!.packet.messageType).toBe('ACK');
  });

  it('gives a returning client its old address after its lease expired', async () => {
    const dhcp = server();
    await lease(dhcp, phone);
    await lease(dhcp, tv);
    dhcp.clock += 13 * HOUR;
    dhcp.bindings.sweep();
    const [offer] = await dhcp.exchange(tv.discover());
    expect(offer!.packet.yiaddr).toBe('192.168.1.101');
  });

  it('INIT-REBOOT: ACKs the right address, NAKs a wrong one, and is silent for clients it does not know', async () => {
    const dhcp = server();
    await lease(dhcp, phone);
    expect((await dhcp.exchange(phone.reboot('192.168.1.100')))[0]!.packet.messageType).toBe('ACK');
    const [nak] = await dhcp.exchange(phone.reboot('192.168.1.107'));
    expect(nak).toMatchObject({ address: BROADCAST, port: 6701 });
    expect(nak!.packet.messageType).toBe('NAK');
    expect((await dhcp.exchange(phone.reboot('10.0.0.7')))[0]!.packet.messageType).toBe('NAK');
    expect(await dhcp.exchange(tv.reboot('192.168.1.107'))).toEqual([]);
  });

  it('INIT-REBOOT: NAKs an address of another network even from a client it does not know (RFC 2131 §4.3.2)', async () => {
    const dhcp = server();
    const [nak] = await dhcp.exchange(phone.reboot('10.0.0.7'));
    expect(nak!.packet.messageType).toBe('NAK');
    expect(await server({ authoritative: false }).exchange(phone.reboot('10.0.0.7'))).toEqual([]);
  });

  it('INIT-REBOOT: stays silent about a wrong address when not authoritative', async () => {
    const dhcp = server({ authoritative: false });
    await lease(dhcp, phone);
    expect(await dhcp.exchange(phone.reboot('192.168.1.107'))).toEqual([]);
  });

  it('keeps every lease across a restart: the client renews, and nobody else gets its address', async () => {
    const first = server({ range: ['192.168.1.100', '192.168.1.101'] });
    await lease(first, phone);
    const dhcp = first.restart();
    servers.push(dhcp);
    expect(dhcp.store.active('192.168.1.100')?.mac).toBe('02:00:00:00:00:02');
    expect((await dhcp.exchange(phone.renew('192.168.1.100')))[0]!.packet.messageType).toBe('ACK');
    const [offer] = await dhcp.exchange(tv.discover());
    expect(offer!.packet.yiaddr).toBe('192.168.1.101');
  });
});

describe('DHCP server: giving addresses back', () => {
  it('RELEASE frees the address and removes the name; the client gets the same address back', async () => {
    const dhcp = server();
    await lease(dhcp, laptop);
    expect(dhcp.registry.names.get('annas-laptop.home.lan')).toBe('192.168.1.100');
    await dhcp.exchange(laptop.release('192.168.1.100'));
    expect(dhcp.store.active('192.168.1.100')).toBeUndefined();
    expect(dhcp.registry.names.size).toBe(0);
    await lease(dhcp, phone); // takes a never-used address, not the released one
    const [offer] = await dhcp.exchange(laptop.discover());
    expect(offer!.packet.yiaddr).toBe('192.168.1.100');
  });

  it('ignores a RELEASE of an address the sender does not hold', async () => {
    const dhcp = server();
    await lease(dhcp, phone);
    await dhcp.exchange(tv.release('192.168.1.100'));
    expect(dhcp.store.active('192.168.1.100')?.mac).toBe('02:00:00:00:00:02');
  });

  it('keeps an address offered to a second client held when the first, lapsed offer of it is swept', async () => {
    const dhcp = server({ range: ['192.168.1.100', '192.168.1.100'] });
    await dhcp.exchange(phone.discover());
    dhcp.clock += 31_000; // the phone's offer lapses before a sweep runs
    const [second] = await dhcp.exchange(tv.discover([[Option.REQUESTED_ADDRESS, ip('192.168.1.100')]]));
    expect(second!.packet.yiaddr).toBe('192.168.1.100');
    dhcp.bindings.sweep();
    expect(await dhcp.exchange(laptop.discover())).toEqual([]);
  });

  it('DECLINE quarantines the address: nobody is offered it until the hold is over', async () => {
    const dhcp = server({ range: ['192.168.1.100', '192.168.1.101'] });
    await lease(dhcp, laptop);
    await dhcp.exchange(laptop.decline('192.168.1.100'));
    expect(dhcp.registry.names.size).toBe(0);
    expect((await lease(dhcp, laptop)).packet.yiaddr).toBe('192.168.1.101');
    expect(await dhcp.exchange(tv.discover())).toEqual([]);
    dhcp.clock += DECLINE_HOLD_MS;
    dhcp.bindings.sweep();
    expect((await dhcp.exchange(tv.discover()))[0]!.packet.yiaddr).toBe('192.168.1.100');
  });

  it('keeps a quarantine across a restart', async () => {
    const first = server({ range: ['192.168.1.100', '192.168.1.100'] });
    await lease(first, laptop);
    await first.exchange(laptop.decline('192.168.1.100'));
    const dhcp = first.restart();
    servers.push(dhcp);
    dhcp.clock += 60_000;
    expect(await dhcp.exchange(tv.discover())).toEqual([]);
    dhcp.clock += DECLINE_HOLD_MS;
    dhcp.bindings.sweep();
    expect((await dhcp.exchange(tv.discover()))[0]!.packet.yiaddr).toBe('192.168.1.100');
  });

  it('expiry removes the name', async () => {
    const dhcp = server();
    await lease(dhcp, laptop);
    dhcp.clock += 12 * HOUR;
    dhcp.bindings.sweep();
    expect(dhcp.registry.names.size).toBe(0);
  });
});

describe('DHCP server: INFORM', () => {
  it('answers with the settings and no lease, by unicast to the client', async () => {
    const dhcp = server();
    const [ack] = await dhcp.exchange(phone.inform('192.168.1.20'));
    expect(ack).toMatchObject({ address: '192.168.1.20', port: 6701 });
    expect(ack!.packet.messageType).toBe('ACK');
    expect(ack!.packet.yiaddr).toBe('0.0.0.0');
    expect(ack!.packet.options.has(Option.LEASE_TIME)).toBe(false);
    expect(ack!.packet.options.addresses(Option.ROUTER)).toEqual(['192.168.1.1']);
    expect(dhcp.store.active('192.168.1.20')).toBeUndefined();
  });
});

describe('DHCP server: static leases', () => {
  it('finds a reservation by MAC written in any case and separator, even outside the range', async () => {
    const dhcp = server({ static_leases: [{ mac: '02-00-00-00-00-02', ip: '192.168.1.10', hostname: 'Phone' }] });
    const ack = await lease(dhcp, new TestClient('02:00:00:00:00:02', [[Option.PARAMETER_REQUEST_LIST, [1, 3, 6, 12, 15]]]));
    expect(ack.packet.yiaddr).toBe('192.168.1.10');
    expect(ack.packet.options.hostname()).toBe('phone');
    expect(dhcp.registry.names.get('phone.home.lan')).toBe('192.168.1.10');
  });

  it('finds a reservation by client identifier', async () => {
    const dhcp = server({ static_leases: [{ client_id: '01:AA:BB:CC:DD:EE:FF', ip: '192.168.1.11' }] });
    const ack = await lease(dhcp, new TestClient('02:00:00:00:00:09', [[Option.CLIENT_ID, [1, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]]]));
    expect(ack.packet.yiaddr).toBe('192.168.1.11');
  });

  it('never hands a reserved address to another client', async () => {
    const dhcp = server({ range: ['192.168.1.100', '192.168.1.101'], static_leases: [{ mac: '02:00:00:00:00:02', ip: '192.168.1.100' }] });
    expect((await lease(dhcp, tv)).packet.yiaddr).toBe('192.168.1.101');
    const [offer] = await dhcp.exchange(laptop.discover([[Option.REQUESTED_ADDRESS, ip('192.168.1.100')]]));
    expect(offer).toBeUndefined();
  });

  it("gives a static lease's name precedence over the client's own", async () => {
    const dhcp = server({ static_leases: [{ mac: '02:00:00:00:00:01', ip: '192.168.1.12', hostname: 'nas' }] });
    await lease(dhcp, laptop);
    expect([...dhcp.registry.names]).toEqual([['nas.home.lan', '192.168.1.12']]);
  });

  it('moves a client to its new reservation at its next renewal', async () => {
    const dhcp = server();
    await lease(dhcp, phone);
    dhcp.reconfigure({ static_leases: [{ mac: '02:00:00:00:00:02', ip: '192.168.1.10' }] });
    expect((await dhcp.exchange(phone.renew('192.168.1.100')))[0]!.packet.messageType).toBe('NAK');
    expect((await lease(dhcp, phone)).packet.yiaddr).toBe('192.168.1.10');
  });
});

describe('DHCP server: pool exhaustion', () => {
  it('offers nothing to new clients and still renews the ones it knows', async () => {
    const dhcp = server({ range: ['192.168.1.100', '192.168.1.101'] });
    await lease(dhcp, phone);
    await lease(dhcp, tv);
    expect(await dhcp.exchange(laptop.discover())).toEqual([]);
    expect(await dhcp.exchange(laptop.discover())).toEqual([]);
    expect((await dhcp.exchange(phone.renew('192.168.1.100')))[0]!.packet.messageType).toBe('ACK');
  });

  it('says so in the log once a minute, not at every DISCOVER', async () => {
    const { log, lines } = capturingLogger('warn');
    const dhcp = new TestServer({ range: ['192.168.1.100', '192.168.1.100'] }, { log });
    servers.push(dhcp);
    await lease(dhcp, phone);
    for (let i = 0; i < 5; i++) await dhcp.exchange(tv.discover());
    dhcp.clock += 60_000;
    await dhcp.exchange(tv.discover());
    expect(lines.filter((line) => line.includes('pool exhausted'))).toHaveLength(2);
  });
});

describe('DHCP server: names', () => {
  it('registers NAME.<domain> from option 12 and answers option 81 with S set', async () => {
    const dhcp = server();
    const fqdn = [Option.CLIENT_FQDN, [0x05, 0, 0, 6, ...Buffer.from('Laptop'), 4, ...Buffer.from('corp'), 0]] as const;
    const ack = await lease(dhcp, new TestClient('02:00:00:00:00:05', [fqdn]));
    expect(dhcp.registry.names.get('laptop.home.lan')).toBe('192.168.1.100');
    const reply = ack.packet.options.clientFqdn();
    expect(reply).toMatchObject({ updates: 'server', name: 'laptop.home.lan' });
  });

  it('does not take a name another host holds: the lease goes ahead without one', async () => {
    const dhcp = server();
    dhcp.registry.names.set('laptop.home.lan', '192.168.1.5');
    const ack = await lease(dhcp, new TestClient('02:00:00:00:00:01', [[Option.CLIENT_FQDN, [0x01, 0, 0, ...Buffer.from('laptop')]]]));
    expect(ack.packet.yiaddr).toBe('192.168.1.100');
    // RFC 4702 §4: the server will not update the name (N=1), and says it overrode the client's S.
    expect(ack.packet.options.clientFqdn()).toMatchObject({ updates: 'none', name: 'laptop.home.lan' });
    expect(dhcp.registry.names.get('laptop.home.lan')).toBe('192.168.1.5');
    expect(dhcp.store.active('192.168.1.100')?.hostname).toBeUndefined();
  });

  it('still ACKs when DNS fails, without a name', async () => {
    const dhcp = server();
    dhcp.registry.register = () => {
      throw new Error('zone journal unavailable');
    };
    const ack = await lease(dhcp, laptop);
    expect(ack.packet.yiaddr).toBe('192.168.1.100');
    expect(dhcp.store.active('192.168.1.100')?.hostname).toBeUndefined();
  });

  it('moves the name when the client changes it', async () => {
    const dhcp = server();
    await lease(dhcp, laptop);
    const renamed = new TestClient('02:00:00:00:00:01', [[Option.HOSTNAME, Buffer.from('work')]]);
    await dhcp.exchange(renamed.renew('192.168.1.100'));
    expect([...dhcp.registry.names]).toEqual([['work.home.lan', '192.168.1.100']]);
  });
});
