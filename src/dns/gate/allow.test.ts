import { describe, expect, it } from 'vitest';
import { AllowList } from './allow.ts';

describe('AllowList', () => {
  it('allows the listed CIDRs and nothing else', () => {
    const list = new AllowList(['10.8.0.0/24', 'fd00:8::/64'], () => []);
    expect(list.allows('10.8.0.7')).toBe(true);
    expect(list.allows('::ffff:10.8.0.7')).toBe(true);
    expect(list.allows('fd00:8::1')).toBe(true);
    expect(list.allows('10.9.0.7')).toBe(false);
    expect(list.allows('127.0.0.1')).toBe(false);
    expect(list.allows('2001:db8::1')).toBe(false);
  });

  it('"local" is loopback and the subnets of this host\'s interfaces', () => {
    const list = new AllowList(['local'], () => ['192.168.1.53/24', '2001:db8:1::53/64', 'fe80::1/64']);
    expect(list.allows('127.0.0.1')).toBe(true);
    expect(list.allows('127.0.0.2')).toBe(true);
    expect(list.allows('::1')).toBe(true);
    expect(list.allows('192.168.1.77')).toBe(true);
    expect(list.allows('2001:db8:1::abcd')).toBe(true);
    expect(list.allows('fe80::99%eth0')).toBe(true);
    expect(list.allows('192.168.2.77')).toBe(false);
    expect(list.allows('2001:db8:2::1')).toBe(false);
    expect(list.allows('8.8.8.8')).toBe(false);
  });

  it('sees an interface that came up at once, and forgets one that went down', () => {
    let subnets = ['192.168.1.53/24'];
    let now = 0;
    const list = new AllowList(
      ['local'],
      () => subnets,
      () => now,
    );
    expect(list.allows('10.8.0.2')).toBe(false);
    subnets = ['192.168.1.53/24', '10.8.0.1/24']; // a VPN came up
    now += 1_000;
    expect(list.allows('10.8.0.2')).toBe(true);
    subnets = ['192.168.1.53/24'];
    now += 30_000;
    expect(list.allows('10.8.0.2')).toBe(false);
  });

  it('reads the interfaces at most once a second while refusing', () => {
    let reads = 0;
    let now = 0;
    const list = new AllowList(
      ['local'],
      () => {
        reads++;
        return [];
      },
      () => now,
    );
    for (let i = 0; i < 1000; i++) list.allows('203.0.113.9');
    expect(reads).toBe(1);
    now += 1_000;
    list.allows('203.0.113.9');
    expect(reads).toBe(2);
  });

  it('reads real interfaces by default: loopback is always local', () => {
    expect(new AllowList(['local']).allows('127.0.0.1')).toBe(true);
  });
});
