// Upstream URLs: what parses, what is refused with a clear message, and each
// plain protocol answering through a real unbound.
import { createSocket } from 'node:dgram';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWith } from '../support/tools.ts';
import { answers, question, reply } from '../support/fake-dns.ts';
import { startUnbound, type Unbound } from '../upstreams/unbound.ts';
import { createUpstream } from '../../src/dns/upstream/create.ts';
import { parseUpstreamUrl } from '../../src/dns/upstream/url.ts';

describe('parseUpstreamUrl', () => {
  it('reads each scheme with its default port and path', () => {
    expect(parseUpstreamUrl('udp://9.9.9.9')).toEqual({ protocol: 'udp', host: '9.9.9.9', port: 53, path: '' });
    expect(parseUpstreamUrl('tcp://192.0.2.1:5353')).toEqual({ protocol: 'tcp', host: '192.0.2.1', port: 5353, path: '' });
    expect(parseUpstreamUrl('tls://1.1.1.1')).toEqual({ protocol: 'tls', host: '1.1.1.1', port: 853, path: '' });
    expect(parseUpstreamUrl('tls://dns.quad9.net:8853')).toEqual({ protocol: 'tls', host: 'dns.quad9.net', port: 8853, path: '' });
    expect(parseUpstreamUrl('https://dns.quad9.net/dns-query')).toEqual({ protocol: 'https', host: 'dns.quad9.net', port: 443, path: '/dns-query' });
    expect(parseUpstreamUrl('https://dns.example:8443')).toEqual({ protocol: 'https', host: 'dns.example', port: 8443, path: '/dns-query' });
    expect(parseUpstreamUrl('https://dns.example/resolve?x=1')).toMatchObject({ path: '/resolve?x=1' });
  });

  it('takes IPv6 literals in brackets', () => {
    expect(parseUpstreamUrl('udp://[2620:fe::fe]')).toEqual({ protocol: 'udp', host: '2620:fe::fe', port: 53, path: '' });
    expect(parseUpstreamUrl('tls://[2606:4700:4700::1111]:853')).toMatchObject({ host: '2606:4700:4700::1111', port: 853 });
    expect(parseUpstreamUrl('https://[::1]:8443/q')).toEqual({ protocol: 'https', host: '::1', port: 8443, path: '/q' });
  });

  it('refuses anything else, naming the URL', () => {
    expect(() => parseUpstreamUrl('9.9.9.9')).toThrow(/upstream "9\.9\.9\.9": not a URL/);
    expect(() => parseUpstreamUrl('quic://dns.example')).toThrow(/unknown scheme quic:/);
    expect(() => parseUpstreamUrl('http://dns.example/dns-query')).toThrow(/unknown scheme http:/);
    expect(() => parseUpstreamUrl('udp://::1')).toThrow(/not a URL/);
    expect(() => parseUpstreamUrl('udp://9.9.9.9:99999')).toThrow(/not a URL/);
    expect(() => parseUpstreamUrl('udp://9.9.9.9:0')).toThrow(/port 0/);
    expect(() => parseUpstreamUrl('tcp://9.9.9.9/path')).toThrow(/has no path/);
    expect(() => parseUpstreamUrl('tls://user@dns.example')).toThrow(/no user/);
    expect(() => parseUpstreamUrl('udp://dns_ex%20ample')).toThrow(/not a hostname/);
  });
});

describe('createUpstream', () => {
  it('refuses a hostname without bootstrap servers and a CA file it cannot read', () => {
    expect(() => createUpstream('tls://dns.example', { bootstrap: [] })).toThrow(/upstream "tls:\/\/dns\.example": .*bootstrap/);
    expect(() => createUpstream('https://192.0.2.1', { bootstrap: [], caFile: '/nonexistent/ca.pem' })).toThrow(/cannot read the CA file/);
  });

  it('talks to an IPv6 literal', async () => {
    const server = createSocket('udp6');
    await new Promise<void>((done) => server.bind(0, '::1', done));
    server.on('message', (message, client) => server.send(reply(dnsPacket.decode(message), ['192.0.2.6']), client.port, client.address));
    const upstream = createUpstream(`udp://[::1]:${server.address().port}`, { bootstrap: [] });
    expect(answers(await upstream.exchange(question('a.up.test'), AbortSignal.timeout(2000)))).toEqual(['192.0.2.6']);
    server.close();
  });
});

describeWith(['unbound', 'unbound-control'])('udp:// and tcp:// against unbound', () => {
  let unbound: Unbound;
  beforeAll(async () => {
    unbound = await startUnbound({ records: ['a.up.test. 300 IN A 192.0.2.1'] });
  });
  afterAll(() => unbound?.remove());

  it.each(['udp', 'tcp'])('%s answers a query', async (scheme) => {
    const upstream = createUpstream(`${scheme}://127.0.0.1:${unbound.port}`, { bootstrap: [] });
    expect(answers(await upstream.exchange(question('a.up.test'), AbortSignal.timeout(2000)))).toEqual(['192.0.2.1']);
    upstream.close();
  });
});
