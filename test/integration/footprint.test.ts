// hearth's memory as a house runs it (npm start: compiled to dist/): the
// resident set of the running process, idle and after 10,000
// different names were asked through its cache. Generous bounds, above what
// it takes now on x86-64 (~114 MB idle with the query log, ~142 MB after the
// 10,000 names), well below what it took before issue 14 (164 MB and 248 MB
// in this same test): a regression of that kind fails here. No timing is asserted.
import { createSocket } from 'node:dgram';
import { existsSync, readFileSync } from 'node:fs';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reply, startFakeDns, type FakeDns } from '../support/fake-dns.ts';
import { startHearth, type Running } from './harness.ts';

const IDLE_LIMIT_MB = 140;
const FILLED_LIMIT_MB = 180;
const NAMES = 10_000;
const IN_FLIGHT = 50;

/** VmRSS of a running process, from /proc/PID/status. */
function rssMb(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/** Asks hearth for `count` different names, IN_FLIGHT at a time; resolves with how many were answered. */
async function askNames(port: number, count: number): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((done) => socket.connect(port, '127.0.0.1', done));
  const waiting = new Map<number, () => void>();
  socket.on('message', (message) => {
    const id = message.readUInt16BE(0);
    waiting.get(id)?.();
    waiting.delete(id);
  });
  let answered = 0;
  let next = 0;
  const ask = async (): Promise<void> => {
    while (next < count) {
      const n = next++;
      const id = n & 0xffff;
      const packet = dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name: `host${n}.fill.test`, type: 'A' }] });
      const got = await new Promise<boolean>((done) => {
        const timer = setTimeout(() => done(false), 2000);
        waiting.set(id, () => {
          clearTimeout(timer);
          done(true);
        });
        socket.send(packet);
      });
      if (got) answered++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, ask));
  socket.close();
  return answered;
}

const describeOnLinux = existsSync('/proc/self/status') ? describe : describe.skip;

describeOnLinux("hearth's resident memory (npm start)", () => {
  let upstream: FakeDns;
  let hearth: Running;

  beforeAll(async () => {
    upstream = await startFakeDns((query) => reply(query, ['192.0.2.1']));
    hearth = await startHearth(
      `
dns:
  listen: ["127.0.0.1:PORT"]
  upstreams: { servers: ["udp://127.0.0.1:${upstream.port}"] }
  cache: { max_entries: 50000, min_ttl: 3600 }
`,
      {},
      'npm-start',
    );
  }, 60_000);

  afterAll(async () => {
    await hearth?.stop();
    await upstream?.stop();
  });

  it(`stays under ${IDLE_LIMIT_MB} MB idle, with the query log on`, async () => {
    await new Promise((done) => setTimeout(done, 2000));
    expect(rssMb(hearth.pid)).toBeLessThan(IDLE_LIMIT_MB);
  });

  it(`stays under ${FILLED_LIMIT_MB} MB with ${NAMES} names cached`, async () => {
    expect(await askNames(hearth.port, NAMES)).toBeGreaterThan(NAMES * 0.95);
    await new Promise((done) => setTimeout(done, 1000));
    expect(rssMb(hearth.pid)).toBeLessThan(FILLED_LIMIT_MB);
  }, 120_000);
});
