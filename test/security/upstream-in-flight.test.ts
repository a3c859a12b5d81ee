// dns.max_in_flight caps the queries waiting for upstreams at once (BIND's
// recursive-clients): a flood of names no cache holds, sent while the
// upstream is silent, cannot pile up sockets and timers without bound; the
// queries past the cap get SERVFAIL at once.
import { createSocket } from 'node:dgram';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startHearth, type Running } from '../integration/harness.ts';

describe('a flood of cache misses while the upstream is silent', () => {
  let hearth: Running;
  const silent = createSocket('udp4'); // takes queries, never answers

  beforeAll(async () => {
    const upstreamPort = await freePort();
    await new Promise<void>((done) => silent.bind(upstreamPort, '127.0.0.1', done));
    hearth = await startHearth(`
dns:
  listen: ["127.0.0.1:PORT"]
  blocking: { lists: [] }
  upstreams: { servers: ["udp://127.0.0.1:${upstreamPort}"], timeout_ms: 10000 }
  max_in_flight: 5
  cache: { serve_stale: false }
`);
  });
  afterAll(async () => {
    await hearth?.stop();
    silent.close();
  });

  it('gets SERVFAIL for every query past the cap, before the upstream could time out', async () => {
    const client = createSocket('udp4');
    const replies: dnsPacket.Packet[] = [];
    client.on('message', (reply) => replies.push(dnsPacket.decode(reply)));
    for (let id = 1; id <= 25; id++) {
      client.send(
        dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: `r${id}.example`, type: 'A' }] }),
        hearth.port,
        '127.0.0.1',
      );
    }
    await new Promise((done) => setTimeout(done, 1_000));
    client.close();
    expect(replies).toHaveLength(20);
    expect(replies.every((reply) => reply.rcode === 'SERVFAIL')).toBe(true);
  });
});
