// hearth as a forwarding resolver, against real upstreams on loopback:
// unbound (UDP, TCP, DoH) and dnsdist (DoT). Upstream query counts come from
// unbound-control, so "answered from the cache" means the upstream saw nothing.
import { createSocket } from 'node:dgram';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeTestCa, type TestCa } from '../upstreams/ca.ts';
import { startFakeDns } from '../support/fake-dns.ts';
import { startDnsdist, type Dnsdist } from '../upstreams/dnsdist.ts';
import { startUnbound, type Unbound } from '../upstreams/unbound.ts';
import { describeWith, dig, type Running, startHearth } from './harness.ts';

const RECORDS = [
  'up.test. 300 IN SOA ns.up.test. admin.up.test. 1 3600 900 604800 60',
  'www.up.test. 300 IN A 192.0.2.1',
  'short.up.test. 1 IN A 192.0.2.5',
  'many.up.test. 300 IN A 192.0.2.7',
  ...Array.from({ length: 8 }, (_, i) => `rr${i}.up.test. 300 IN A 192.0.2.${20 + i}`),
];
const LAB_RECORDS = ['host.lab.up.test. 300 IN A 10.9.9.9', '9.9.9.10.in-addr.arpa. 300 IN PTR host.lab.up.test.'];

/** Starts hearth forwarding with `dns` (YAML lines under `dns:`). */
function hearthWith(dns: string): Promise<Running> {
  return startHearth(`dns:\n  listen: ["127.0.0.1:PORT"]\n  zones_dir: zones\n${dns}`);
}

async function queriesDuring(upstream: Unbound, work: () => Promise<unknown>): Promise<number> {
  const before = await upstream.queryCount();
  await work();
  return (await upstream.queryCount()) - before;
}

describeWith(['dig', 'unbound', 'unbound-control', 'dnsdist', 'openssl'])('forwarding to real upstreams', () => {
  let ca: TestCa;
  let main: Unbound;
  let lab: Unbound;
  let dot: Dnsdist;
  const running: Running[] = [];
  const start = async (dns: string) => {
    const hearth = await hearthWith(dns);
    running.push(hearth);
    return hearth;
  };

  beforeAll(async () => {
    ca = await makeTestCa();
    main = await startUnbound({ records: RECORDS, tls: { certFile: ca.certFile, keyFile: ca.keyFile } });
    lab = await startUnbound({ records: LAB_RECORDS });
    dot = await startDnsdist({ backendPort: main.port, tls: { certFile: ca.certFile, keyFile: ca.keyFile } });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(running.map((h) => h.stop()));
    await Promise.all([main?.remove(), lab?.remove(), dot?.remove()]);
    ca?.remove();
  });

  it('answers through each protocol: UDP, TCP, DoT and DoH', async () => {
    const urls = [
      `udp://127.0.0.1:${main.port}`,
      `tcp://127.0.0.1:${main.port}`,
      `tls://127.0.0.1:${dot.tlsPort}`,
      `https://127.0.0.1:${main.httpsPort}/dns-query`,
    ];
    for (const url of urls) {
      const hearth = await start(`  upstreams: { servers: ["${url}"], ca_file: "${ca.caFile}" }\n`);
      const answer = await dig(hearth.port, ['www.up.test', 'A']);
      expect({ url, answer: answer.answer }).toEqual({ url, answer: ['www.up.test. 300 IN A 192.0.2.1'] });
      expect(answer.flags).not.toContain('aa');
    }
  });

  it('refuses to trust a DoT server whose certificate it cannot verify', async () => {
    const hearth = await start(`  upstreams: { servers: ["tls://127.0.0.1:${dot.tlsPort}"], timeout_ms: 500 }\n`);
    expect((await dig(hearth.port, ['www.up.test', 'A'])).status).toBe('SERVFAIL');
  });

  it('answers a repeated question from the cache: no second upstream query, TTL counting down', async () => {
    const hearth = await start(`  upstreams: { servers: ["udp://127.0.0.1:${main.port}"] }\n`);
    let second: Awaited<ReturnType<typeof dig>> | undefined;
    const asked = await queriesDuring(main, async () => {
      await dig(hearth.port, ['rr7.up.test', 'A']);
      await new Promise((done) => setTimeout(done, 1_100));
      second = await dig(hearth.port, ['rr7.up.test', 'A']);
    });
    expect(asked).toBe(1);
    expect(second?.answer).toHaveLength(1);
    expect(Number(second?.answer[0]?.split(' ')[1])).toBeLessThan(300);
  });

  it('caches NXDOMAIN from the SOA (RFC 2308)', async () => {
    const hearth = await start(`  upstreams: { servers: ["udp://127.0.0.1:${main.port}"] }\n`);
    const asked = await queriesDuring(main, async () => {
      expect((await dig(hearth.port, ['missing.up.test', 'A'])).status).toBe('NXDOMAIN');
      expect((await dig(hearth.port, ['missing.up.test', 'A'])).status).toBe('NXDOMAIN');
    });
    expect(asked).toBe(1);
  });

  it('sends 100 identical concurrent misses upstream as one query', async () => {
    const hearth = await start(`  upstreams: { servers: ["udp://127.0.0.1:${main.port}"] }\n`);
    const asked = await queriesDuring(main, async () => {
      const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => udpQuery(hearth.port, 'many.up.test', i)));
      expect(replies.every((r) => r.answers?.[0]?.data === '192.0.2.7')).toBe(true);
    });
    expect(asked).toBe(1);
  });

  it('forwards names under a conditional domain, reverse zones included, to their own server', async () => {
    const hearth = await start(
      [
        `  upstreams: { servers: ["udp://127.0.0.1:${main.port}"] }`,
        `  forward:`,
        `    - { domains: ["lab.up.test", "10.in-addr.arpa"], servers: ["udp://127.0.0.1:${lab.port}"] }`,
        '',
      ].join('\n'),
    );
    expect((await dig(hearth.port, ['host.lab.up.test', 'A'])).answer).toEqual(['host.lab.up.test. 300 IN A 10.9.9.9']);
    expect((await dig(hearth.port, ['-x', '10.9.9.9'])).answer).toEqual(['9.9.9.10.in-addr.arpa. 300 IN PTR host.lab.up.test.']);
    expect((await dig(hearth.port, ['www.up.test', 'A'])).answer).toEqual(['www.up.test. 300 IN A 192.0.2.1']);
  });

  it('failover: skips an upstream that does not answer and uses the next', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((done) => silent.bind(0, '127.0.0.1', done));
    try {
      const hearth = await start(
        `  upstreams: { servers: ["udp://127.0.0.1:${silent.address().port}", "udp://127.0.0.1:${main.port}"], strategy: failover, timeout_ms: 300 }\n`,
      );
      expect((await dig(hearth.port, ['rr0.up.test', 'A'])).answer).toEqual(['rr0.up.test. 300 IN A 192.0.2.20']);
    } finally {
      silent.close();
    }
  });

  it('moves on from an upstream that answers SERVFAIL', async () => {
    const failing = await startFakeDns((query) => dnsPacket.encode({ type: 'response', id: query.id, flags: 2, questions: query.questions }));
    try {
      const hearth = await start(`  upstreams: { servers: ["udp://127.0.0.1:${failing.port}", "udp://127.0.0.1:${main.port}"], strategy: failover }\n`);
      expect((await dig(hearth.port, ['rr1.up.test', 'A'])).answer).toEqual(['rr1.up.test. 300 IN A 192.0.2.21']);
    } finally {
      await failing.stop();
    }
  });

  it('round_robin spreads queries and parallel_best asks two upstreams at once', async () => {
    const rr = await start(
      `  upstreams: { servers: ["udp://127.0.0.1:${main.port}", "tcp://127.0.0.1:${main.port}"], strategy: round_robin }\n  cache: { max_entries: 0 }\n`,
    );
    const spread = await queriesDuring(main, async () => {
      for (let i = 2; i < 6; i++) await dig(rr.port, [`rr${i}.up.test`, 'A']);
    });
    expect(spread).toBe(4);
    const pb = await start(
      `  upstreams: { servers: ["udp://127.0.0.1:${main.port}", "tcp://127.0.0.1:${main.port}"], strategy: parallel_best }\n  cache: { max_entries: 0 }\n`,
    );
    expect(await queriesDuring(main, () => dig(pb.port, ['rr6.up.test', 'A']))).toBe(2);
  });

  it('keeps answering over DoH after the upstream is killed mid-session and comes back', async () => {
    const hearth = await start(
      `  upstreams: { servers: ["https://127.0.0.1:${main.httpsPort}/dns-query"], ca_file: "${ca.caFile}", timeout_ms: 500 }\n  cache: { max_entries: 0 }\n`,
    );
    expect((await dig(hearth.port, ['www.up.test', 'A'])).answer).toHaveLength(1);
    await main.stop(true);
    await main.restart();
    expect((await dig(hearth.port, ['www.up.test', 'A'])).answer).toEqual(['www.up.test. 300 IN A 192.0.2.1']);
  });

  it('serves expired answers with TTL 30 when every upstream is down (RFC 8767)', async () => {
    const hearth = await start(`  upstreams: { servers: ["udp://127.0.0.1:${main.port}"], timeout_ms: 300 }\n`);
    expect((await dig(hearth.port, ['short.up.test', 'A'])).answer).toEqual(['short.up.test. 1 IN A 192.0.2.5']);
    await main.stop();
    try {
      await new Promise((done) => setTimeout(done, 1_500));
      const stale = await dig(hearth.port, ['short.up.test', 'A']);
      expect(stale.status).toBe('NOERROR');
      expect(stale.answer).toEqual(['short.up.test. 30 IN A 192.0.2.5']);
    } finally {
      await main.restart();
    }
  });
});

/** One UDP query from its own socket, as 100 separate clients would send. */
async function udpQuery(port: number, name: string, id: number): Promise<dnsPacket.Packet> {
  const socket = createSocket('udp4');
  try {
    return await new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error('no answer')), 3_000);
      socket.once('message', (reply) => {
        clearTimeout(timer);
        done(dnsPacket.decode(reply));
      });
      socket.send(dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: 'A' }] }), port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}
