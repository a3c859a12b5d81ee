// The DHCP routes through a real HTTP client: leases from a fake server,
// static leases written to a real config file.
import { afterEach, describe, expect, it } from 'vitest';
import type { LeaseInfo } from '../dhcp/dhcp-service.ts';
import { start, type Harness } from '../../test/support/api-harness.ts';

const CONFIG = `dhcp:
  enabled: true
  static_leases:
    - { mac: "AA-BB-CC-DD-EE-FF", ip: 192.168.1.10, hostname: nas }
`;

const LEASE: LeaseInfo = {
  address: '192.168.1.100',
  mac: '11:22:33:44:55:66',
  clientId: undefined,
  hostname: 'laptop',
  expires: '2026-11-22T12:00:00.000Z',
  kind: 'dynamic',
};

describe('the DHCP routes', () => {
  let h: Harness;
  const released: string[] = [];
  afterEach(async () => {
    await h.close();
  });

  const withServer = () =>
    start(CONFIG, {
      dhcp: {
        leases: () => [LEASE],
        release: (address) => {
          released.push(address);
          return address === LEASE.address;
        },
      },
    });

  it('lists the leases held, and says when DHCP is off', async () => {
    h = await withServer();
    expect((await h.call('GET', '/dhcp/leases')).body).toEqual({ enabled: true, leases: [{ ...LEASE, clientId: undefined }] });
    await h.close();
    h = await start('');
    expect((await h.call('GET', '/dhcp/leases')).body).toEqual({ enabled: false, leases: [] });
  });

  it('releases a lease by address, and answers 404 for one not held', async () => {
    h = await withServer();
    expect((await h.call('DELETE', '/dhcp/leases/192.168.1.100')).status).toBe(204);
    expect((await h.call('DELETE', '/dhcp/leases/192.168.1.101')).status).toBe(404);
    expect((await h.call('DELETE', '/dhcp/leases/not-an-ip')).status).toBe(400);
    expect(released).toContain('192.168.1.100');
  });

  it('adds a static lease to the config file, and refuses one that clashes', async () => {
    h = await withServer();
    const added = await h.call('POST', '/dhcp/static', { body: { mac: '00:11:22:33:44:55', ip: '192.168.1.11', hostname: 'printer' } });
    expect(added.status).toBe(201);
    expect(h.store.current.dhcp.static_leases).toHaveLength(2);
    expect((await h.call('POST', '/dhcp/static', { body: { mac: 'aa:bb:cc:dd:ee:ff', ip: '192.168.1.12' } })).status).toBe(409);
    expect((await h.call('POST', '/dhcp/static', { body: { mac: '00:11:22:33:44:99', ip: '192.168.1.10' } })).status).toBe(409);
  });

  it('refuses bad static leases with the paths of the problems', async () => {
    h = await withServer();
    const bad = await h.call('POST', '/dhcp/static', { body: { mac: 'aa:bb', ip: '192.168.1.300', extra: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((issue: { path: string[] }) => issue.path.join('.'))).toEqual(expect.arrayContaining(['mac', 'ip']));
    expect((await h.call('POST', '/dhcp/static', { body: { ip: '192.168.1.13' } })).status).toBe(400);
  });

  it('removes a static lease by MAC in any spelling, by address, and 404s for none', async () => {
    h = await withServer();
    expect((await h.call('DELETE', '/dhcp/static', { body: { mac: 'aabbccddeeff' } })).status).toBe(200);
    expect(h.store.current.dhcp.static_leases).toEqual([]);
    expect((await h.call('DELETE', '/dhcp/static', { body: { ip: '192.168.1.10' } })).status).toBe(404);
    expect((await h.call('DELETE', '/dhcp/static', { body: { mac: 'aa:bb:cc:dd:ee:ff', ip: '192.168.1.10' } })).status).toBe(400);
  });
});
