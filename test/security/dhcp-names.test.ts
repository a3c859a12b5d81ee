// A DHCP client cannot take another host's name: a static lease's name
// belongs to its MAC (or client id) whether that device is here or not, and
// wpad, isatap, localhost, hearth and this host's own name are nobody's to ask
// for (wpad.home.lan is where browsers look for a proxy: a classic hijack).
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { Option } from '../../src/dhcp/options.ts';
import { lease, TestClient, TestServer } from '../support/dhcp-server.ts';
import { hostLabel } from '../../src/dhcp/hostname.ts';

const NAS = { mac: '02:00:00:00:00:10', ip: '192.168.1.10', hostname: 'nas' };
const servers: TestServer[] = [];
function server(config: Record<string, unknown> = {}): TestServer {
  const made = new TestServer({ static_leases: [NAS], ...config });
  servers.push(made);
  return made;
}
afterEach(() => {
  for (const made of servers.splice(0)) made.close();
});

const asking = (mac: string, name: string) => new TestClient(mac, [[Option.HOSTNAME, Buffer.from(name)]]);
const askingFqdn = (mac: string, name: string) => new TestClient(mac, [[Option.CLIENT_FQDN, [0x01, 0, 0, ...Buffer.from(name)]]]);

describe('DHCP names', () => {
  it("are not given to a client that asks for a static lease's name while that device is away", async () => {
    const dhcp = server();
    for (const intruder of [asking('02:00:00:00:00:66', 'nas'), askingFqdn('02:00:00:00:00:67', 'NAS')]) {
      const ack = await lease(dhcp, intruder);
      expect(ack.packet.yiaddr).not.toBe(NAS.ip);
      expect(dhcp.store.active(ack.packet.yiaddr)?.hostname).toBeUndefined();
    }
    expect(dhcp.registry.names.has('nas.home.lan')).toBe(false);
    // The device itself, when it comes, gets its name.
    await lease(dhcp, new TestClient(NAS.mac));
    expect(dhcp.registry.names.get('nas.home.lan')).toBe(NAS.ip);
  });

  it.each(['wpad', 'WPAD', 'isatap', 'localhost', 'hearth', hostname()])('are not given for %s', async (name) => {
    const dhcp = server();
    const ack = await lease(dhcp, asking('02:00:00:00:00:70', name));
    expect(ack.packet.yiaddr).toBe('192.168.1.100');
    expect(dhcp.registry.names.has(`${hostLabel(name)}.home.lan`)).toBe(false);
    expect(dhcp.registry.names.size).toBe(0);
  });

  it('follow dhcp.reserved_names, and other names are still given', async () => {
    const dhcp = server({ reserved_names: ['printer'] });
    await lease(dhcp, asking('02:00:00:00:00:71', 'printer'));
    await lease(dhcp, asking('02:00:00:00:00:72', 'wpad'));
    expect([...dhcp.registry.names.keys()]).toEqual(['wpad.home.lan']);
    expect(configSchema.parse({}).dhcp.reserved_names).toEqual(['wpad', 'isatap', 'localhost', 'hearth']);
  });
});
