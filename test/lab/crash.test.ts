// A kill -9 of hearth in the middle of a perfdhcp run loses no ACKed lease:
// hearth commits a lease before it sends the ACK, so every ACK a client saw
// on the wire (tcpdump in the client's host) is in the store after a restart.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { heldLeases, startHearth } from './hearth.ts';
import { describeLab, LAN_IF } from './lan.ts';
import { LAB_SETUP, useLab } from './lab.ts';
import { captureDhcp, capturedReplies, DHCPACK } from './pcap.ts';
import { waitFor } from './wait.ts';

const CLIENTS = 2000;

describeLab(['perfdhcp', 'tcpdump', 'curl'])('hearth killed with -9 under a perfdhcp load', () => {
  // A /16, so perfdhcp's 2000 clients all fit in the range.
  const lab = useLab(startHearth, { ...LAB_SETUP, subnet: '10.77.0.0/16', range: ['10.77.1.0', '10.77.255.254'] });

  it('has every lease it ACKed when it starts again', async () => {
    // perfdhcp acts as a relay from an address of its own (giaddr): the ACKs come to it unicast.
    const host = await lab.client('perf', { address: '10.77.0.2/16' });
    const capture = join(lab.dir, 'dhcp.pcap');
    const stopCapture = await captureDhcp(host, capture);

    const perfdhcp = host.spawn('perfdhcp', ['-4', '-l', LAN_IF, '-r', '400', '-R', String(CLIENTS), '-p', '15'], { stdio: 'ignore' });
    const perfdhcpDone = new Promise((done) => perfdhcp.once('exit', done));
    const acks = () => capturedReplies(capture).filter((reply) => reply.type === DHCPACK);
    await waitFor(
      '300 ACKs',
      () => (acks().length >= 300 ? true : undefined),
      () => lab.server.output(),
    );
    await lab.server.kill();
    await perfdhcpDone;
    await stopCapture();

    await lab.server.restart();
    const held = new Map((await heldLeases(lab.serverHost)).map((lease) => [lease.address, lease.mac]));
    const acked = acks();
    expect(acked.length).toBeGreaterThanOrEqual(300);
    const lost = acked.filter((ack) => held.get(ack.yiaddr) !== ack.mac);
    expect(lost, `ACKed but not held after the restart (of ${acked.length} ACKs)`).toEqual([]);
    const owner = new Map(acked.map((ack) => [ack.yiaddr, ack.mac]));
    expect(
      acked.filter((ack) => owner.get(ack.yiaddr) !== ack.mac),
      'addresses ACKed to two clients',
    ).toEqual([]);
  }, 180_000);
});
