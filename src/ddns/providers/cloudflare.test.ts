import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeHttp, type SeenRequest } from '../../../test/support/fake-http.ts';
import { CloudflareProvider } from './cloudflare.ts';

let api: FakeHttp;
let provider: CloudflareProvider;

const RECORD = { id: 'rec-1', type: 'A', name: 'home.example.com', content: '93.184.216.34', ttl: 300, proxied: true };
const ok = (result: unknown) => ({ body: { success: true, errors: [], messages: [], result } });

const auth = { authorization: 'Bearer cf-token', 'user-agent': 'hearth - ddns - 0.1' };

/** The fake API: the list call answers `records`, writes answer the record written. */
function serve(records: unknown[]): void {
  api.answer = (request: SeenRequest) => (request.method === 'GET' ? ok(records) : ok({ ...RECORD, ...JSON.parse(request.body) }));
}

beforeAll(async () => {
  api = await FakeHttp.start();
  provider = new CloudflareProvider({
    apiUrl: `${api.url}/client/v4`,
    zoneId: 'zone-9',
    name: 'home.example.com',
    token: 'cf-token',
    ttl: 1,
    proxied: false,
    timeoutMs: 2000,
  });
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests.length = 0;
});

describe('the Cloudflare provider', () => {
  it("reads the record's address with one lookup", async () => {
    serve([RECORD]);
    expect(await provider.current(4)).toEqual({ kind: 'current', addresses: ['93.184.216.34'] });
    expect(api.requests).toEqual([
      {
        method: 'GET',
        path: '/client/v4/zones/zone-9/dns_records',
        query: { type: 'A', name: 'home.example.com' },
        headers: expect.objectContaining(auth),
        body: '',
      },
    ]);
  });

  it('patches only the content of the record it looked up, keeping its TTL and proxied flag', async () => {
    serve([RECORD]);
    await provider.current(4);
    expect(await provider.update(4, '93.184.216.99')).toEqual({ kind: 'updated' });
    expect(api.requests.slice(1)).toEqual([
      {
        method: 'PATCH',
        path: '/client/v4/zones/zone-9/dns_records/rec-1',
        query: {},
        headers: expect.objectContaining({ ...auth, 'content-type': 'application/json' }),
        body: '{"content":"93.184.216.99"}',
      },
    ]);
  });

  it('creates the AAAA record when there is none', async () => {
    serve([]);
    expect(await provider.current(6)).toEqual({ kind: 'current', addresses: [] });
    expect(await provider.update(6, '2a01:4f8::1')).toEqual({ kind: 'updated' });
    expect(api.requests.map((r) => [r.method, r.path, r.query])).toEqual([
      ['GET', '/client/v4/zones/zone-9/dns_records', { type: 'AAAA', name: 'home.example.com' }],
      ['POST', '/client/v4/zones/zone-9/dns_records', {}],
    ]);
    expect(JSON.parse(api.requests[1]!.body)).toEqual({ type: 'AAAA', name: 'home.example.com', content: '2a01:4f8::1', ttl: 1, proxied: false });
  });

  it('looks the record up itself when updating without a lookup before', async () => {
    serve([RECORD]);
    expect(await provider.update(4, '93.184.216.99')).toEqual({ kind: 'updated' });
    expect(api.requests.map((r) => r.method)).toEqual(['GET', 'PATCH']);
  });

  it('reads a refused token as an auth error, in whatever status it comes', async () => {
    api.always({ status: 403, body: { success: false, errors: [{ code: 10000, message: 'Authentication error' }] } });
    expect(await provider.current(4)).toEqual({ kind: 'auth-error', reason: 'HTTP 403: 10000: Authentication error' });
    api.always({ status: 400, body: { success: false, errors: [{ code: 6003, message: 'Invalid request headers' }] } });
    expect(await provider.update(4, '93.184.216.99')).toMatchObject({ kind: 'auth-error' });
  });

  it('reads 5xx and 429 as passing trouble, other refusals as fatal', async () => {
    api.always({ status: 500, body: 'oops' });
    expect(await provider.current(4)).toMatchObject({ kind: 'transient' });
    api.always({ status: 429, body: { success: false, errors: [{ code: 971, message: 'Please wait' }] }, headers: { 'retry-after': '60' } });
    expect(await provider.current(4)).toEqual({ kind: 'transient', reason: 'HTTP 429: 971: Please wait', retryAfterMs: 60_000 });
    api.always({ status: 400, body: { success: false, errors: [{ code: 81057, message: 'Record already exists.' }] } });
    expect(await provider.current(4)).toMatchObject({ kind: 'fatal' });
    api.always({ body: 'not json' });
    expect(await provider.current(4)).toMatchObject({ kind: 'fatal' });
  });
});
