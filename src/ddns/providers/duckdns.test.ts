import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeHttp } from '../../../test/support/fake-http.ts';
import { DuckdnsProvider } from './duckdns.ts';

let server: FakeHttp;
let provider: DuckdnsProvider;

beforeAll(async () => {
  server = await FakeHttp.start();
  provider = new DuckdnsProvider({ server: server.url, name: 'myhome.duckdns.org', token: 'tok-123', timeoutMs: 2000 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

describe('the DuckDNS provider', () => {
  it('sends the subname, the token and the IPv4 address', async () => {
    server.always({ body: 'OK\n93.184.216.34\n\nUPDATED' });
    expect(await provider.update(4, '93.184.216.34')).toEqual({ kind: 'updated' });
    expect(server.requests).toEqual([
      {
        method: 'GET',
        path: '/update',
        query: { domains: 'myhome', token: 'tok-123', ip: '93.184.216.34', verbose: 'true' },
        headers: expect.objectContaining({ 'user-agent': 'hearth - ddns - 0.1' }),
        body: '',
      },
    ]);
  });

  it('sends an IPv6 address as ipv6, leaving the IPv4 record alone', async () => {
    server.always({ body: 'OK\n\n2a01:4f8::1\nUPDATED' });
    expect(await provider.update(6, '2a01:4f8::1')).toEqual({ kind: 'updated' });
    expect(server.requests[0]!.query).toEqual({ domains: 'myhome', token: 'tok-123', ipv6: '2a01:4f8::1', verbose: 'true' });
  });

  it('reads NOCHANGE as unchanged, KO as an auth error, anything else as fatal', async () => {
    server.always({ body: 'OK\n93.184.216.34\n\nNOCHANGE' });
    expect(await provider.update(4, '93.184.216.34')).toEqual({ kind: 'unchanged' });
    server.always({ body: 'KO' });
    expect(await provider.update(4, '93.184.216.34')).toMatchObject({ kind: 'auth-error' });
    server.always({ body: 'maintenance' });
    expect(await provider.update(4, '93.184.216.34')).toMatchObject({ kind: 'fatal' });
    server.always({ status: 503 });
    expect(await provider.update(4, '93.184.216.34')).toEqual({ kind: 'transient', reason: 'HTTP 503' });
  });
});
