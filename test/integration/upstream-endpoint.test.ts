// Endpoints: IP literals as they are, hostnames looked up through bootstrap
// servers (a real unbound), cached for the TTL (30 s at least), looked up
// again after forget().
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { describeWith } from '../support/tools.ts';
import { freePort } from '../support/ports.ts';
import { startUnbound, type Unbound } from '../upstreams/unbound.ts';
import { bootstrapEndpoint } from '../../src/dns/upstream/endpoint.ts';

describe('bootstrapEndpoint', () => {
  it('uses an IP literal as it is', async () => {
    expect(await bootstrapEndpoint('192.0.2.1', 53, []).address()).toBe('192.0.2.1');
    expect(await bootstrapEndpoint('2001:db8::1', 853, []).address()).toBe('2001:db8::1');
  });

  it('refuses a hostname without bootstrap servers, and a bootstrap server that is not an address', () => {
    expect(() => bootstrapEndpoint('dns.example', 853, [])).toThrow(/needs bootstrap servers/);
    expect(() => bootstrapEndpoint('dns.example', 853, ['dns.google'])).toThrow(/not an IP address/);
    expect(() => bootstrapEndpoint('dns.example', 853, ['192.0.2.1:99999'])).toThrow(/not an IP address/);
  });
});

describeWith(['unbound', 'unbound-control'])('bootstrapEndpoint against unbound', () => {
  let unbound: Unbound;
  let bootstrap: string[];

  beforeAll(async () => {
    unbound = await startUnbound({
      records: ['dot.up.test. 1 IN A 127.0.0.1', 'v6.up.test. 300 IN AAAA ::1', 'both.up.test. 300 IN A 127.0.0.2', 'both.up.test. 300 IN AAAA ::2'],
    });
    // The first server refuses at once (nothing listens), so the second is asked.
    bootstrap = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${unbound.port}`];
  });
  afterAll(() => unbound?.remove());
  afterEach(() => {
    vi.useRealTimers();
  });

  const queries = async (run: () => Promise<unknown>): Promise<number> => {
    const before = await unbound.queryCount();
    await run();
    return (await unbound.queryCount()) - before;
  };

  it('looks up the A record through the first server that answers, once for concurrent callers', async () => {
    const endpoint = bootstrapEndpoint('dot.up.test', 853, bootstrap);
    expect(
      await queries(async () => {
        expect(await Promise.all([endpoint.address(), endpoint.address()])).toEqual(['127.0.0.1', '127.0.0.1']);
      }),
    ).toBe(1);
    expect(endpoint).toMatchObject({ host: 'dot.up.test', port: 853 });
  });

  it('prefers A and falls back to AAAA', async () => {
    expect(await bootstrapEndpoint('both.up.test', 853, bootstrap).address()).toBe('127.0.0.2');
    expect(await bootstrapEndpoint('v6.up.test', 853, bootstrap).address()).toBe('0:0:0:0:0:0:0:1');
  });

  it('keeps the address for the TTL, at least 30 s, and looks it up again after forget()', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const endpoint = bootstrapEndpoint('dot.up.test', 853, bootstrap);
    await endpoint.address();
    vi.setSystemTime(Date.now() + 29_000);
    expect(await queries(() => endpoint.address())).toBe(0);
    vi.setSystemTime(Date.now() + 2_000);
    expect(await queries(() => endpoint.address())).toBe(1);
    endpoint.forget();
    expect(await queries(() => endpoint.address())).toBe(1);
  });

  it('rejects a name without addresses, and asks again next time', async () => {
    const endpoint = bootstrapEndpoint('missing.up.test', 853, bootstrap);
    await expect(endpoint.address()).rejects.toThrow(/cannot look up missing\.up\.test/);
    expect(await queries(() => endpoint.address().catch(() => {}))).toBe(2);
  });

  it('names every server that failed', async () => {
    const endpoint = bootstrapEndpoint('dot.up.test', 853, [bootstrap[0]!]);
    await expect(endpoint.address()).rejects.toThrow(/udp:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });
});
