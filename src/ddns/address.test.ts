import { describe, expect, it } from 'vitest';
import { globalAddress } from './address.ts';

describe('which addresses a public record may point at', () => {
  it('takes public unicast addresses, IPv6 in its canonical form', () => {
    expect(globalAddress('93.184.216.34', 4)).toBe('93.184.216.34');
    expect(globalAddress('2606:2800:0220:0001:0248:1893:25C8:1946', 6)).toBe('2606:2800:220:1:248:1893:25c8:1946');
    expect(globalAddress('2a01:4f8::1', 6)).toBe('2a01:4f8::1');
  });

  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '127.0.0.1',
    '169.254.1.1',
    '0.0.0.0',
    '192.0.2.1',
    '198.51.100.1',
    '203.0.113.1',
    '198.18.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '192.0.0.8',
  ])('refuses the private or reserved IPv4 address %s', (address) => {
    expect(globalAddress(address, 4)).toBeUndefined();
  });

  it('takes the IPv4 neighbours of the reserved blocks', () => {
    for (const address of ['172.15.255.255', '172.32.0.0', '100.128.0.1', '198.20.0.1', '11.0.0.1']) expect(globalAddress(address, 4)).toBe(address);
  });

  it.each([
    '::1',
    'fe80::1',
    'fd00::1',
    'fc00::1',
    'ff02::1',
    '::ffff:93.184.216.34',
    '64:ff9b::1',
    '2001:db8::1',
    '2001::1',
    '2002:c000:204::1',
    '3fff::1',
    '2606:2800:220:1:248:1893:25c8:1946%eth0',
  ])('refuses the IPv6 address %s, which is not global unicast', (address) => {
    expect(globalAddress(address, 6)).toBeUndefined();
  });

  it('refuses text that is not exactly an address of the family', () => {
    for (const text of ['93.184.216.34 ', 'ip=93.184.216.34', '093.184.216.34', '', 'example.com']) expect(globalAddress(text, 4)).toBeUndefined();
    expect(globalAddress('93.184.216.34', 6)).toBeUndefined();
    expect(globalAddress('2a01:4f8::1', 4)).toBeUndefined();
  });
});
