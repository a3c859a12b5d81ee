import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { InterfaceDetector, stableIpv6, type IpAddrInfo } from './interface.ts';

const STABLE = '2a01:4f8:1:2::10';
const TEMPORARY = '2a01:4f8:1:2:a1b2:c3d4:e5f6:1';
const SLAAC = '2a01:4f8:1:2:211:22ff:fe33:4455';

function entry(address: string, family: 'IPv4' | 'IPv6'): NetworkInterfaceInfo {
  return { address, family, netmask: '', mac: '00:11:22:33:44:55', internal: false, cidr: null, scopeid: 0 } as NetworkInterfaceInfo;
}

const interfaces = () => ({
  eth0: [entry('192.168.1.2', 'IPv4'), entry('93.184.216.34', 'IPv4'), entry('fe80::1', 'IPv6'), entry(TEMPORARY, 'IPv6'), entry(STABLE, 'IPv6')],
  wlan0: [entry('192.168.1.3', 'IPv4')],
});

const info = (local: string, flags: Partial<IpAddrInfo> = {}): IpAddrInfo => ({ family: 'inet6', local, scope: 'global', ...flags });

describe('the address of an interface', () => {
  it("takes the interface's global IPv4 address, not its private one", async () => {
    const detector = new InterfaceDetector({ name: 'eth0', timeoutMs: 1000, interfaces });
    expect(await detector.detect(4)).toEqual({ kind: 'found', address: '93.184.216.34', from: 'interface eth0' });
  });

  it('finds nothing on an interface with only private addresses, or one that does not exist', async () => {
    expect(await new InterfaceDetector({ name: 'wlan0', timeoutMs: 1000, interfaces, ipv6AddrInfo: async () => [] }).detect(4)).toEqual({
      kind: 'missing',
      reason: 'interface wlan0 has no global IPv4 address',
    });
    expect(await new InterfaceDetector({ name: 'eth9', timeoutMs: 1000, interfaces }).detect(6)).toEqual({
      kind: 'missing',
      reason: 'there is no interface eth9',
    });
  });

  it('prefers a stable IPv6 address to a temporary privacy address listed before it', async () => {
    const detector = new InterfaceDetector({
      name: 'eth0',
      timeoutMs: 1000,
      interfaces,
      ipv6AddrInfo: async () => [info(TEMPORARY, { temporary: true, dynamic: true }), info(SLAAC, { dynamic: true }), info('fe80::1', { scope: 'link' })],
    });
    expect(await detector.detect(6)).toMatchObject({ kind: 'found', address: SLAAC });
  });

  it('uses the first global IPv6 address Node lists when iproute2 cannot tell', async () => {
    const detector = new InterfaceDetector({ name: 'eth0', timeoutMs: 1000, interfaces, ipv6AddrInfo: async () => undefined });
    expect(await detector.detect(6)).toMatchObject({ kind: 'found', address: TEMPORARY });
  });
});

describe('choosing among IPv6 addresses as iproute2 lists them', () => {
  it('ranks a configured address before a SLAAC one, and that before a temporary one', () => {
    expect(stableIpv6([info(TEMPORARY, { temporary: true, dynamic: true }), info(SLAAC, { dynamic: true }), info(STABLE)])).toBe(STABLE);
  });

  it('never takes a deprecated, tentative or failed address, nor a non-global one', () => {
    expect(
      stableIpv6([info(STABLE, { deprecated: true }), info(SLAAC, { tentative: true }), info('2a01:4f8::9', { dadfailed: true }), info('fd00::1')]),
    ).toBeUndefined();
    expect(stableIpv6([info(STABLE, { deprecated: true }), info(TEMPORARY, { temporary: true })])).toBe(TEMPORARY);
  });
});
