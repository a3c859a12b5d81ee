import { describe, expect, it } from 'vitest';
import { parseCidr } from './cidr.ts';
import { parseDuration } from './duration.ts';
import { parseListenAddress } from './listen-address.ts';

describe('value types', () => {
  it('reads durations', () => {
    expect(parseDuration('30s')).toBe(30);
    expect(parseDuration('12h')).toBe(43200);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('7d')).toBe(604800);
    expect(parseDuration('3600')).toBe(3600);
    expect(parseDuration('soon')).toBeUndefined();
  });

  it('reads CIDRs of both families and bare addresses', () => {
    expect(parseCidr('192.168.1.0/24')).toEqual({ address: '192.168.1.0', prefix: 24, family: 4 });
    expect(parseCidr('fd00::/64')).toEqual({ address: 'fd00::', prefix: 64, family: 6 });
    expect(parseCidr('10.0.0.1')).toEqual({ address: '10.0.0.1', prefix: 32, family: 4 });
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.0.0/8/8')).toBeUndefined();
  });

  it('reads listen addresses with and without ports', () => {
    expect(parseListenAddress('127.0.0.1:5353', 53)).toEqual({ host: '127.0.0.1', port: 5353 });
    expect(parseListenAddress('[::1]:53', 53)).toEqual({ host: '::1', port: 53 });
    expect(parseListenAddress('0.0.0.0', 53)).toEqual({ host: '0.0.0.0', port: 53 });
    expect(parseListenAddress('::', 53)).toEqual({ host: '::', port: 53 });
    expect(parseListenAddress('localhost:53', 53)).toBeUndefined();
  });
});
