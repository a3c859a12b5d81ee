import { describe, expect, it } from 'vitest';
import { parseCidr } from '../../values/cidr.ts';
import { RRType } from '../record.ts';
import { hostZones, reverseOrigins } from './generated.ts';

const cidr = (text: string) => parseCidr(text)!;

describe('zones hearth generates for DHCP names', () => {
  it('serves the reverse zone of a /24 and of each /24 in a /23', () => {
    expect(reverseOrigins(cidr('192.168.1.0/24'))).toEqual(['1.168.192.in-addr.arpa']);
    expect(reverseOrigins(cidr('10.0.2.0/23'))).toEqual(['2.0.10.in-addr.arpa', '3.0.10.in-addr.arpa']);
    expect(reverseOrigins(cidr('10.0.0.0/8'))).toEqual(['10.in-addr.arpa']);
    expect(reverseOrigins(cidr('172.16.0.0/12'))).toHaveLength(16);
  });

  it('gives each zone an SOA and NS, and answers NXDOMAIN for names not yet registered', () => {
    const [forward, reverse] = hostZones('home.lan', cidr('192.168.1.0/24'));
    expect(forward!.origin).toBe('home.lan');
    expect(reverse!.origin).toBe('1.168.192.in-addr.arpa');
    expect(forward!.lookup('home.lan', RRType.NS).kind).toBe('answer');
    expect(forward!.lookup('laptop.home.lan', RRType.A).kind).toBe('nxdomain');
  });
});
