import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeHttp } from '../../../test/support/fake-http.ts';
import { Dyndns2Provider } from './dyndns2.ts';

let server: FakeHttp;
let provider: Dyndns2Provider;

beforeAll(async () => {
  server = await FakeHttp.start();
  provider = new Dyndns2Provider({ server: server.url, name: 'home.example.com', login: 'alice', password: 's3cr:et', timeoutMs: 2000 });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

describe('the dyndns2 provider', () => {
  it('sends the address with Basic auth and a user agent, and takes "good" as updated', async () => {
    server.always({ body: 'good 93.184.216.34\n' });
    expect(await provider.update(4, '93.184.216.34')).toEqual({ kind: 'updated' });
    expect(server.requests).toEqual([
      {
        method: 'GET',
        path: '/nic/update',
        query: { hostname: 'home.example.com', myip: '93.184.216.34' },
        headers: expect.objectContaining({ authorization: `Basic ${Buffer.from('alice:s3cr:et').toString('base64')}`, 'user-agent': 'hearth - ddns - 0.1' }),
        body: '',
      },
    ]);
  });

  it('sends an IPv6 address the same way', async () => {
    server.always({ body: 'good 2a01:4f8::1' });
    expect(await provider.update(6, '2a01:4f8::1')).toEqual({ kind: 'updated' });
    expect(server.requests[0]!.query).toEqual({ hostname: 'home.example.com', myip: '2a01:4f8::1' });
  });

  it.each([
    ['nochg 93.184.216.34', 'unchanged'],
    ['badauth', 'auth-error'],
    ['!donator', 'auth-error'],
    ['nohost', 'auth-error'],
    ['notfqdn', 'fatal'],
    ['numhost', 'fatal'],
    ['abuse', 'fatal'],
    ['badagent', 'fatal'],
    ['good 127.0.0.1', 'fatal'],
    ['<html>maintenance</html>', 'fatal'],
    ['dnserr', 'transient'],
    ['911', 'transient'],
  ])('reads "%s" as %s', async (answer, kind) => {
    server.always({ body: answer });
    expect(await provider.update(4, '93.184.216.34')).toMatchObject({ kind });
  });

  it('asks for a long pause after the provider reports its own trouble', async () => {
    server.always({ body: '911' });
    expect(await provider.update(4, '93.184.216.34')).toMatchObject({ kind: 'transient', retryAfterMs: 30 * 60_000 });
  });

  it('reads HTTP 401 as an auth error and 5xx as passing trouble', async () => {
    server.always({ status: 401, body: 'Unauthorized' });
    expect(await provider.update(4, '93.184.216.34')).toEqual({ kind: 'auth-error', reason: 'HTTP 401: Unauthorized' });
    server.always({ status: 401, body: 'badauth' });
    expect(await provider.update(4, '93.184.216.34')).toMatchObject({ kind: 'auth-error' });
    server.always({ status: 502, body: 'Bad Gateway', headers: { 'retry-after': '120' } });
    expect(await provider.update(4, '93.184.216.34')).toEqual({ kind: 'transient', reason: 'HTTP 502: Bad Gateway', retryAfterMs: 120_000 });
  });

  it('reads a server that does not answer in time as passing trouble', async () => {
    server.always('hang');
    const slow = new Dyndns2Provider({ server: server.url, name: 'home.example.com', login: 'alice', password: 'x', timeoutMs: 200 });
    expect(await slow.update(4, '93.184.216.34')).toEqual({ kind: 'transient', reason: `${server.url}: no answer within 200 ms` });
  });
});
