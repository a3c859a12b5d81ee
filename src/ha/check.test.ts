import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { haHostErrors } from './check.ts';
import { haSchema } from './config.ts';
import { generatePairSecret } from './secret.ts';

const dir = mkdtempSync(join(tmpdir(), 'hearth-ha-check-'));
const key = join(dir, 'ha.key');
writeFileSync(key, generatePairSecret());
const shortKey = join(dir, 'short.key');
writeFileSync(shortKey, 'too short');

const DNS = ['192.168.1.2:53'];

const interfaces = {
  lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4' as const, mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
  eth0: [{ address: '192.168.1.2', netmask: '255.255.255.0', family: 'IPv4' as const, mac: '02:00:00:00:00:02', internal: false, cidr: '192.168.1.2/24' }],
};

function ha(overrides: Record<string, unknown>) {
  const base = { enabled: true, vip: '192.168.1.53/24', listen: '192.168.1.2:5399', peers: ['192.168.1.3:5399'], secret_file: key, interface: 'eth0' };
  return haSchema.parse({ ...base, ...overrides });
}

describe('the ha section, checked against this host', () => {
  it('accepts a node that can run here', () => {
    expect(haHostErrors(ha({}), DNS, interfaces)).toEqual([]);
  });

  it('names each bad input', () => {
    expect(haHostErrors(ha({ vip: '10.0.0.53/24' }), DNS, interfaces)).toEqual([
      'ha.vip: 10.0.0.53/24 is not in the subnet of eth0 (192.168.1.2/24); clients could not reach it there',
    ]);
    expect(haHostErrors(ha({ interface: 'wlan9' }), DNS, interfaces)).toEqual([
      'ha.interface: there is no interface "wlan9" on this host (there are: lo, eth0)',
    ]);
    expect(haHostErrors(ha({ listen: '192.168.1.9:5399' }), DNS, interfaces)).toEqual(['ha.listen: 192.168.1.9 is not an address of this host']);
    expect(haHostErrors(ha({ peers: ['192.168.1.3', '127.0.0.1:5399'] }), DNS, interfaces)).toEqual(['ha.peers: 127.0.0.1:5399 is this node itself']);
    expect(haHostErrors(ha({ secret_file: shortKey }), DNS, interfaces)[0]).toMatch(
      /^ha.secret_file: .*short.key: the pair secret is 9 bytes; at least 16 are needed/,
    );
    expect(haHostErrors(ha({ secret_file: join(dir, 'missing') }), DNS, interfaces)[0]).toMatch(/^ha.secret_file: ENOENT/);
  });

  it('refuses a wildcard dns.listen: the VIP needs a socket of its own', () => {
    expect(haHostErrors(ha({}), ['0.0.0.0:53'], interfaces)).toEqual([
      "dns.listen: 0.0.0.0:53 is a wildcard; with ha.enabled list this node's own address (the VIP is added at run time)",
    ]);
  });

  it("does not take a VIP left on the interface (kill -9) for this host's own address", () => {
    const withVip = { ...interfaces, eth0: [...interfaces.eth0, { ...interfaces.eth0[0]!, address: '192.168.1.53', cidr: '192.168.1.53/24' }] };
    expect(haHostErrors(ha({}), DNS, withVip)).toEqual([]);
    expect(haHostErrors(ha({ listen: '192.168.1.53:5399' }), DNS, withVip)).toEqual(['ha.listen: 192.168.1.53 is not an address of this host']);
  });

  it('the schema refuses an enabled pair without a VIP, a secret or peers, or listening on a wildcard', () => {
    const result = haSchema.safeParse({ enabled: true, peers: ['192.168.1.2:5399'], listen: '192.168.1.2:5399' });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(messages).toEqual([
      'vip: ha.enabled needs a vip',
      'secret_file: ha.enabled needs a secret_file (make one with "hearth ha keygen")',
      "peers: the peers include this node's own listen address 192.168.1.2:5399",
    ]);
    expect(haSchema.safeParse({ enabled: true, vip: '192.168.1.53/24', secret_file: key, peers: ['192.168.1.3'] }).error!.issues[0]!.message).toMatch(
      /not a wildcard/,
    );
  });
});
