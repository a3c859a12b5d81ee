// dns.rate_limit with BIND RRL semantics, against a running hearth: past the
// rate a client's answers are dropped, every slip-th goes out empty with
// TC=1, TCP is still answered in full, and the query log and metrics count
// what was turned away.
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith, dig, startHearth, type Running } from '../integration/harness.ts';

const ZONE = '$TTL 60\n@ IN SOA ns admin ( 1 1h 15m 7d 60 )\nnas IN A 192.168.1.10\n';

/** Sends `count` queries at once from `source` and collects the replies for a while. */
async function flood(port: number, source: string, count: number): Promise<dnsPacket.Packet[]> {
  const socket = createSocket('udp4');
  await new Promise<void>((done) => socket.bind(0, source, done));
  const replies: dnsPacket.Packet[] = [];
  socket.on('message', (reply) => replies.push(dnsPacket.decode(reply)));
  for (let id = 1; id <= count; id++) {
    socket.send(
      dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: 'nas.home.lan', type: 'A' }] }),
      port,
      '127.0.0.1',
    );
  }
  await new Promise((done) => setTimeout(done, 500));
  socket.close();
  return replies;
}

describeWith(['dig'])('a client past dns.rate_limit', () => {
  let hearth: Running;
  let api: string;
  let token: string;

  beforeAll(async () => {
    hearth = await startHearth(
      `
dns:
  listen: ["127.0.0.1:PORT"]
  zones_dir: zones
  blocking: { lists: [] }
  rate_limit: { qps: 5, burst: 10, slip: 2, exempt: ["127.0.0.1/32"] }
`,
      { 'zones/home.lan.zone': ZONE },
    );
    api = `http://127.0.0.1:${/api: \{ listen: "127\.0\.0\.1:(\d+)"/.exec(readFileSync(join(hearth.dir, 'hearth.yaml'), 'utf8'))![1]}`;
    token = readFileSync(join(hearth.dir, 'data/api.token'), 'utf8').trim();
  });
  afterAll(() => hearth?.stop());

  it('gets its burst answered, then every second answer as TC=1 and the others dropped', async () => {
    const replies = await flood(hearth.port, '127.0.0.3', 40);
    const full = replies.filter((reply) => reply.answers?.length);
    const truncated = replies.filter((reply) => ((reply.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE) !== 0);
    expect(full.length).toBeGreaterThanOrEqual(10);
    expect(full.length).toBeLessThan(14); // the burst and what refilled meanwhile
    expect(truncated.length).toBeGreaterThanOrEqual(12);
    expect(truncated.every((reply) => reply.answers?.length === 0 && reply.questions?.[0]?.name === 'nas.home.lan')).toBe(true);
    expect(replies.length).toBeLessThan(30); // the rest were dropped
  });

  it('is still answered over TCP, and an exempt client is never limited', async () => {
    await flood(hearth.port, '127.0.0.4', 40);
    expect((await dig(hearth.port, ['-b', '127.0.0.4', '+tcp', 'nas.home.lan', 'A'])).answer).toEqual(['nas.home.lan. 60 IN A 192.168.1.10']);
    expect((await flood(hearth.port, '127.0.0.1', 40)).filter((reply) => reply.answers?.length)).toHaveLength(40);
  });

  it('shows in the metrics and the query log', async () => {
    await flood(hearth.port, '127.0.0.5', 40);
    const headers = { authorization: `Bearer ${token}` };
    const metrics = await (await fetch(`${api}/metrics`, { headers })).text();
    expect(metrics).toMatch(/hearth_dns_queries_total\{source="dropped",rcode="NOERROR",view=""\} [1-9]/);
    expect(metrics).toMatch(/hearth_dns_queries_total\{source="slipped",rcode="NOERROR",view=""\} [1-9]/);
    await new Promise((done) => setTimeout(done, 1_200)); // the query log writes in batches every second
    const log = (await (await fetch(`${api}/querylog?client=127.0.0.5&limit=100`, { headers })).json()) as { rows: { source: string }[] };
    const sources = new Set(log.rows.map((entry) => entry.source));
    expect(sources).toEqual(new Set(['zone', 'dropped', 'slipped']));
  });
});
