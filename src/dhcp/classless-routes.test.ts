import { describe, expect, it } from 'vitest';
import { decodeClasslessRoutes, encodeClasslessRoutes } from './classless-routes.ts';

const ROUTER = [192, 168, 1, 1];

describe('classless static routes (option 121, RFC 3442)', () => {
  // RFC 3442 §"Classless Route Option Format": the table of destination descriptors.
  it.each([
    ['0.0.0.0/0', [0]],
    ['10.0.0.0/8', [8, 10]],
    ['10.0.0.0/24', [24, 10, 0, 0]],
    ['10.17.0.0/16', [16, 10, 17]],
    ['10.27.129.0/24', [24, 10, 27, 129]],
    ['10.229.0.128/25', [25, 10, 229, 0, 128]],
    ['10.198.122.47/32', [32, 10, 198, 122, 47]],
  ])('writes %s as the RFC example does, and reads it back', (destination, descriptor) => {
    const value = encodeClasslessRoutes([{ destination, gateway: '192.168.1.1' }]);
    expect([...value]).toEqual([...descriptor, ...ROUTER]);
    expect(decodeClasslessRoutes(value)).toEqual([{ destination, gateway: '192.168.1.1' }]);
  });

  it('carries several routes one after the other', () => {
    const routes = [
      { destination: '10.0.0.0/8', gateway: '192.168.1.2' },
      { destination: '172.16.5.0/24', gateway: '192.168.1.3' },
      { destination: '0.0.0.0/0', gateway: '192.168.1.1' },
    ];
    expect(decodeClasslessRoutes(encodeClasslessRoutes(routes))).toEqual(routes);
  });

  it('clears host bits a destination was written with', () => {
    expect([...encodeClasslessRoutes([{ destination: '10.1.2.3/12', gateway: '10.0.0.1' }])]).toEqual([12, 10, 0, 10, 0, 0, 1]);
  });

  it('leaves out destinations that are not IPv4', () => {
    expect(encodeClasslessRoutes([{ destination: 'fd00::/64', gateway: '10.0.0.1' }]).length).toBe(0);
  });

  it('refuses values that are cut short or have a width over 32', () => {
    expect(decodeClasslessRoutes(Uint8Array.of(24, 10, 0, 0, 192, 168, 1))).toBeUndefined();
    expect(decodeClasslessRoutes(Uint8Array.of(33, 10, 0, 0, 0, 0, 192, 168, 1, 1))).toBeUndefined();
  });
});
