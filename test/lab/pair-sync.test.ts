// The pair keeps one state, with the real election choosing the master: two
// hearth nodes on the lab LAN share the VIP, serve DHCP from whichever holds
// it (the server identifier is the VIP) and answer on their own addresses with
// what was changed on either. The cases run in order on one pair; the last
// kills the master.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generatePairSecret } from '../../src/ha/secret.ts';
import { Dhclient } from './clients.ts';
import { heldLeases } from './hearth.ts';
import { lookup } from './lab.ts';
import { describeLab, LAN_IF, type LabHost } from './lan.ts';
import { HearthNode, NODES, PairLab, VIP } from './pair.ts';
import { captureDhcp, capturedReplies, DHCPACK, DHCPOFFER } from './pcap.ts';
import { waitFor } from './wait.ts';

const TSIG = 'c2VjcmV0LWtleS1mb3ItaGVhcnRoLXRlc3RzLTMyYnk=';
const HOUSE = {
  dhcp: {
    enabled: true,
    interface: LAN_IF,
    subnet: '10.77.0.0/24',
    range: ['10.77.0.120', '10.77.0.250'],
    router: '10.77.0.254',
    domain: 'home.lan',
    lease_time: 3600,
  },
  dns_update: { keys: [{ name: 'ddns-key', algorithm: 'hmac-sha256', secret: TSIG, zones: ['house.lan'] }] },
};

describeLab(['curl', 'arping', 'nft', 'dhclient', 'tcpdump', 'nsupdate', 'dig', 'perfdhcp'])('a failover pair keeps one state (real election)', () => {
  let lab: PairLab;
  let a: HearthNode;
  let b: HearthNode;
  let phone: Dhclient;
  let phoneHost: LabHost;
  let phoneAddress = '';

  beforeAll(async () => {
    lab = await PairLab.create();
    writeFileSync(join(lab.zonesDir, 'house.lan.zone'), '$TTL 300\n@ IN SOA ns hostmaster ( 1 1h 15m 7d 60 )\n@ NS ns\nns A 10.77.0.53\n');
    const secret = generatePairSecret();
    a = new HearthNode(lab, 'a', { secret, house: HOUSE });
    b = new HearthNode(lab, 'b', { secret, house: HOUSE });
    await Promise.all([a.start(), b.start()]);
    await a.reaches('master');
    await b.reaches('backup');
  }, 120_000);
  afterAll(async () => {
    await lab?.destroy();
  }, 60_000);

  /** The A records `name` has on a node's own address, asked from the client. */
  const answers = (node: keyof typeof NODES, name: string): Promise<string[]> => lookup(lab.client, NODES[node].address, name, 'A').catch(() => []);

  it('gives dhclient a lease from one server whose identifier is the VIP', async () => {
    phoneHost = await lab.lan.host('phone', { mac: '02:77:00:00:02:01' });
    const capture = join(lab.dir, 'phone.pcap');
    const stopCapture = await captureDhcp(phoneHost, capture);
    phone = new Dhclient(phoneHost, lab.dir);
    const lease = await phone.obtain();
    await stopCapture();
    expect(lease.server).toBe(VIP);
    phoneAddress = lease.ip;
    const offers = capturedReplies(capture).filter((reply) => reply.type === DHCPOFFER);
    expect(offers.length).toBeGreaterThan(0);
    expect(new Set(offers.map((offer) => offer.sender))).toEqual(new Set([NODES.a.mac]));
  }, 120_000);

  it("answers a name added with nsupdate at the VIP on the backup's own address", async () => {
    await lab.client.exec('sh', [
      '-c',
      `printf '%s\\n' 'server ${VIP}' 'update add tv.house.lan 300 A 10.77.0.60' send | nsupdate -t 5 -y hmac-sha256:ddns-key:${TSIG}`,
    ]);
    const updated = Date.now();
    await waitFor(
      'tv.house.lan on b',
      async () => ((await answers('b', 'tv.house.lan')).includes('10.77.0.60') ? true : undefined),
      () => b.process.output(),
      10_000,
    );
    console.log(`pair lab: nsupdate at the VIP answered on the backup after ${Date.now() - updated} ms`);
  }, 60_000);

  it("applies a config change made through the backup's API on both nodes (forwarded to the master)", async () => {
    const config = JSON.parse((await b.request('GET', '/config')).body) as { dns: { cloaking: { rules: string[] } } };
    config.dns.cloaking.rules.push('printer.lan 10.77.0.40');
    const put = await b.request('PUT', '/config', config);
    expect(put.status, put.body).toBe(200);
    for (const node of ['a', 'b'] as const) {
      await waitFor(
        `printer.lan on ${node}`,
        async () => ((await answers(node, 'printer.lan')).includes('10.77.0.40') ? true : undefined),
        () => '',
        10_000,
      );
    }
    // One config: the same version and hash on both (GET /ha).
    const master = (await a.status()).sync!.config;
    const backup = await waitFor("b at the master's config version", async () => {
      const seen = (await b.status()).sync?.config;
      return seen?.version === master.version ? seen : undefined;
    });
    expect(backup.hash).toBe(master.hash);
  }, 60_000);

  it('keeps every ACKed lease across kill -9 of the master under perfdhcp, and a client asking again keeps its address', async () => {
    // perfdhcp relays from its own address (giaddr): the ACKs come to it unicast.
    const perf = await lab.lan.host('perf', { mac: '02:77:00:00:02:02', address: '10.77.0.101/24' });
    const capture = join(lab.dir, 'perf.pcap');
    const stopCapture = await captureDhcp(perf, capture);
    const perfdhcp = perf.spawn('perfdhcp', ['-4', '-l', LAN_IF, '-r', '50', '-R', '100', '-p', '10'], { stdio: 'ignore' });
    const perfdhcpDone = new Promise((done) => perfdhcp.once('exit', done));
    const acks = () => capturedReplies(capture).filter((reply) => reply.type === DHCPACK);
    await waitFor(
      '30 ACKs',
      () => (acks().length >= 30 ? true : undefined),
      () => a.process.output(),
    );
    await a.process.stop('SIGKILL');
    await b.reaches('master');
    await perfdhcpDone;
    await stopCapture();

    const held = new Map((await heldLeases(b.host)).map((lease) => [lease.address, lease.mac]));
    const acked = acks();
    expect(acked.length).toBeGreaterThanOrEqual(30);
    expect(
      acked.filter((ack) => held.get(ack.yiaddr) !== ack.mac),
      `ACKed but not on the new master (of ${acked.length} ACKs)`,
    ).toEqual([]);
    const owner = new Map(acked.map((ack) => [ack.yiaddr, ack.mac]));
    expect(
      acked.filter((ack) => owner.get(ack.yiaddr) !== ack.mac),
      'addresses ACKed to two clients',
    ).toEqual([]);
    const byA = acked.filter((ack) => ack.sender === NODES.a.mac).length;
    console.log(`pair lab: ${acked.length} ACKs captured, ${byA} from a before the kill, ${acked.length - byA} from b after; all held by b`);
    expect(held.get(phoneAddress)).toBe(phoneHost.mac);

    // The phone starts again (INIT-REBOOT, RFC 2131 §3.2): the new master confirms its address.
    const again = await phone.obtain();
    expect(again.ip).toBe(phoneAddress);
    expect(again.server).toBe(VIP);
  }, 180_000);
});
