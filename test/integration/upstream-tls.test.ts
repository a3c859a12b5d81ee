// DoT upstream against a real dnsdist (DoT frontend, test CA) in front of a
// real unbound: verified connections, refused certificates, and a hostname
// URL looked up through a bootstrap server.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith } from '../support/tools.ts';
import { makeTestCa, type TestCa } from '../upstreams/ca.ts';
import { answers, question } from '../support/fake-dns.ts';
import { startDnsdist, type Dnsdist } from '../upstreams/dnsdist.ts';
import { startUnbound, type Unbound } from '../upstreams/unbound.ts';
import { createUpstream } from '../../src/dns/upstream/create.ts';

describeWith(['unbound', 'unbound-control', 'dnsdist', 'openssl'])('the DoT upstream against dnsdist', () => {
  let ca: TestCa;
  let unbound: Unbound;
  let dnsdist: Dnsdist;

  beforeAll(async () => {
    ca = await makeTestCa(['dot.up.test']);
    unbound = await startUnbound({ records: ['a.up.test. 300 IN A 192.0.2.1', 'dot.up.test. 300 IN A 127.0.0.1', 'elsewhere.up.test. 300 IN A 127.0.0.1'] });
    dnsdist = await startDnsdist({ backendPort: unbound.port, tls: ca });
  });
  afterAll(async () => {
    await dnsdist?.remove();
    await unbound?.remove();
    ca?.remove();
  });

  it('answers queries over one verified connection', async () => {
    const upstream = createUpstream(`tls://127.0.0.1:${dnsdist.tlsPort}`, { bootstrap: [], caFile: ca.caFile });
    const replies = await Promise.all(Array.from({ length: 20 }, () => upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000))));
    expect(replies.map(answers)).toEqual(Array.from({ length: 20 }, () => ['192.0.2.1']));
    upstream.close();
  });

  it('rejects a certificate from an unknown CA, without crashing', async () => {
    const upstream = createUpstream(`tls://127.0.0.1:${dnsdist.tlsPort}`, { bootstrap: [] });
    await expect(upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000))).rejects.toThrow(/certificate/);
  });

  it('rejects a certificate made out for another name', async () => {
    const upstream = createUpstream(`tls://elsewhere.up.test:${dnsdist.tlsPort}`, { bootstrap: [`127.0.0.1:${unbound.port}`], caFile: ca.caFile });
    await expect(upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000))).rejects.toThrow(/altnames/);
  });

  it('looks a hostname up through the bootstrap server and checks the certificate against that name', async () => {
    const upstream = createUpstream(`tls://dot.up.test:${dnsdist.tlsPort}`, { bootstrap: [`127.0.0.1:${unbound.port}`], caFile: ca.caFile });
    const before = await unbound.queryCount();
    expect(answers(await upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000)))).toEqual(['192.0.2.1']);
    // One bootstrap lookup and the query itself (dnsdist passes it on).
    expect((await unbound.queryCount()) - before).toBe(2);
    upstream.close();
  });
});
