// What a home LAN expects of its DHCP server, checked with real clients in
// the lab. Run against hearth, and against dnsmasq to prove the tests (and
// the lab) right.
import { expect, it } from 'vitest';
import { Dhclient, Udhcpc, type ClientEvent } from './clients.ts';
import { describeLab } from './lan.ts';
import { LAB_SETUP, lookup, useLab, type Lab } from './lab.ts';
import type { StartLabDhcpServer } from './server.ts';
import { waitFor } from './wait.ts';

const LONG = 180_000;
const { server: SERVER, router: ROUTER, domain: DOMAIN } = LAB_SETUP;
const RESERVED = LAB_SETUP.reservations[0]!;

function inRange(ip: string, range: readonly [string, string]): boolean {
  const last = (address: string): number => Number(address.split('.')[3]);
  return ip.startsWith('10.77.0.') && last(ip) >= last(range[0]) && last(ip) <= last(range[1]);
}

function expectLanOptions(lease: ClientEvent): void {
  expect(inRange(lease.ip, LAB_SETUP.range), `${lease.ip} is in the range`).toBe(true);
  expect(lease.routers).toEqual([ROUTER]);
  expect(lease.dns).toEqual([SERVER]);
  expect(lease.domain).toBe(DOMAIN);
}

/** Waits until `name` no longer resolves (a release is handled on the server's own time). */
async function waitUntilGone(lab: Lab, name: string, type: 'A' | 'PTR'): Promise<void> {
  const asker = lab.serverHost;
  await waitFor(`${name} ${type} to go`, async () => ((await lookup(asker, SERVER, name, type)).length === 0 ? true : undefined));
}

/** The lab tests of a DHCP server; `tools` are those it needs besides the clients. */
export function dhcpServerTests(name: string, start: StartLabDhcpServer, tools: readonly string[]): void {
  describeLab(['dhclient', 'udhcpc', 'dig', ...tools])(`${name} as the LAN's DHCP server`, () => {
    const lab = useLab(start);

    it(
      'gives dhclient an address from the range, the router, itself as DNS server and the domain',
      async () => {
        expectLanOptions(await new Dhclient(await lab.client('dhc'), lab.dir).obtain());
      },
      LONG,
    );

    it(
      'gives udhcpc the same',
      async () => {
        expectLanOptions(await new Udhcpc(await lab.client('udhc'), lab.dir).obtainOnce());
      },
      LONG,
    );

    it(
      'gives a reserved MAC its static address and name, whatever name the client sends',
      async () => {
        const host = await lab.client('nas', { mac: RESERVED.mac });
        const lease = await new Udhcpc(host, lab.dir, 'somename').obtainOnce();
        expect(lease.ip).toBe(RESERVED.ip);
        expect(await lookup(host, SERVER, `${RESERVED.hostname}.${DOMAIN}`, 'A')).toEqual([RESERVED.ip]);
        expect(await lookup(host, SERVER, RESERVED.ip, 'PTR')).toEqual([`${RESERVED.hostname}.${DOMAIN}.`]);
      },
      LONG,
    );

    it(
      "publishes a client's hostname forward and reverse, and a release removes it",
      async () => {
        const host = await lab.client('alice');
        const client = new Dhclient(host, lab.dir, 'alice');
        const lease = await client.obtain();
        expect(await lookup(host, SERVER, `alice.${DOMAIN}`, 'A')).toEqual([lease.ip]);
        expect(await lookup(host, SERVER, lease.ip, 'PTR')).toEqual([`alice.${DOMAIN}.`]);
        await client.release();
        await waitUntilGone(lab, `alice.${DOMAIN}`, 'A');
        await waitUntilGone(lab, lease.ip, 'PTR');
      },
      LONG,
    );

    it(
      'never gives one address to two clients that reboot asking for it at once',
      async () => {
        const wanted = '10.77.0.150';
        const clients = await Promise.all(['twin1', 'twin2'].map(async (twin) => new Dhclient(await lab.client(twin), lab.dir, twin)));
        for (const client of clients) client.remember(wanted, SERVER);
        const leases = await Promise.all(clients.map((client) => client.obtain()));
        expect(leases.map((lease) => lease.ip)).toContain(wanted);
        expect(leases[0]!.ip).not.toBe(leases[1]!.ip);
      },
      LONG,
    );

    it(
      'never gives one address to two clients that discover asking for it at once',
      async () => {
        const wanted = '10.77.0.160';
        const clients = await Promise.all(['req1', 'req2'].map(async (peer) => new Udhcpc(await lab.client(peer), lab.dir)));
        const leases = await Promise.all(clients.map((client) => client.obtainOnce(wanted)));
        expect(leases[0]!.ip).not.toBe(leases[1]!.ip);
      },
      LONG,
    );

    it(
      'keeps its leases over a restart: a renewing client keeps its address and name',
      async () => {
        const host = await lab.client('bob');
        const client = new Udhcpc(host, lab.dir, 'bob');
        try {
          const lease = await client.start();
          await lab.server.stop();
          await lab.server.restart();
          const renewed = await client.renew();
          expect(renewed).toMatchObject({ event: 'renew', ip: lease.ip });
          expect(await lookup(host, SERVER, `bob.${DOMAIN}`, 'A')).toEqual([lease.ip]);
        } finally {
          client.stop();
        }
      },
      LONG,
    );
  });

  describeLab(['udhcpc', ...tools])(`${name} with its pool used up`, () => {
    const range = ['10.77.0.100', '10.77.0.102'] as const;
    const lab = useLab(start, { ...LAB_SETUP, range });

    it(
      'answers nothing to a new client, and still serves the clients it knows',
      async () => {
        const known = await Promise.all(['k1', 'k2', 'k3'].map(async (peer) => new Udhcpc(await lab.client(peer), lab.dir)));
        const first: string[] = [];
        for (const client of known) first.push((await client.obtainOnce()).ip);
        expect(new Set(first).size).toBe(3);
        expect(first.every((ip) => inRange(ip, range))).toBe(true);

        expect(await new Udhcpc(await lab.client('late'), lab.dir).getsLease()).toBe(false);

        for (const [index, client] of known.entries()) expect((await client.obtainOnce()).ip).toBe(first[index]);
      },
      LONG,
    );
  });
}
