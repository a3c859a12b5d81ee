// The stream transport (TCP here; TLS shares it) against scripted servers:
// pipelining on one connection, replies out of order and cut anywhere,
// reconnecting, and what happens to queries when a connection is lost.
import { createServer, type Server, type Socket } from 'node:net';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { frame, FrameReader } from '../framing.ts';
import { answers, question, reply } from '../../../test/support/fake-dns.ts';
import { createUpstream } from './create.ts';
import type { Upstream } from './upstream.ts';

/** A TCP server that hands each connection's queries, in batches as they
 *  arrive, to `serve`. */
interface FakeServer {
  port: number;
  connections: () => number;
  close: () => Promise<void>;
}

async function server(serve: (socket: Socket, queries: dnsPacket.Packet[]) => void): Promise<FakeServer> {
  const open = new Set<Socket>();
  let accepted = 0;
  const tcp: Server = createServer((socket) => {
    accepted++;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => {});
    const reader = new FrameReader();
    socket.on('data', (chunk: Buffer) =>
      serve(
        socket,
        reader.push(chunk).map((message) => dnsPacket.decode(message)),
      ),
    );
  });
  await new Promise<void>((done) => tcp.listen(0, '127.0.0.1', done));
  return {
    port: (tcp.address() as { port: number }).port,
    connections: () => accepted,
    close: () => {
      for (const socket of open) socket.destroy();
      return new Promise((done) => tcp.close(() => done()));
    },
  };
}

const addressOf = (name: string): string => `192.0.2.${Number(/^q(\d+)\./.exec(name)?.[1] ?? 0) + 1}`;

describe('the TCP upstream', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function upstreamTo(serve: Parameters<typeof server>[0]): Promise<{ upstream: Upstream; connections: () => number }> {
    const fake = await server(serve);
    const upstream = createUpstream(`tcp://127.0.0.1:${fake.port}`, { bootstrap: [] });
    cleanups.push(
      () => fake.close(),
      () => upstream.close(),
    );
    return { upstream, connections: fake.connections };
  }

  it('pipelines 50 queries on one connection and matches replies sent in reverse, cut into odd pieces', async () => {
    const held: dnsPacket.Packet[] = [];
    const { upstream, connections } = await upstreamTo((socket, queries) => {
      held.push(...queries);
      if (held.length < 50) return;
      const bytes = Buffer.concat(held.reverse().map((query) => frame(reply(query, [addressOf(query.questions![0]!.name)]))));
      for (let at = 0; at < bytes.length; at += 7) socket.write(bytes.subarray(at, at + 7));
    });
    const names = Array.from({ length: 50 }, (_, i) => `q${i}.up.test`);
    const replies = await Promise.all(names.map((name) => upstream.exchange(question(name), AbortSignal.timeout(3000))));
    expect(replies.map(answers)).toEqual(names.map((name) => [addressOf(name)]));
    expect(connections()).toBe(1);
    expect(new Set(held.map((query) => query.id)).size).toBe(50);
  });

  it('opens a new connection after the server closed the last one', async () => {
    const { upstream, connections } = await upstreamTo((socket, queries) => {
      for (const query of queries) socket.end(frame(reply(query, ['192.0.2.1'])));
    });
    for (let i = 0; i < 3; i++) {
      expect(answers(await upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000)))).toEqual(['192.0.2.1']);
      await new Promise((done) => setTimeout(done, 20));
    }
    expect(connections()).toBe(3);
  });

  it('rejects every query in flight when the connection drops, and reconnects for the next', async () => {
    let drop = true;
    const { upstream } = await upstreamTo((socket, queries) => {
      if (drop) socket.destroy();
      else for (const query of queries) socket.write(frame(reply(query, ['192.0.2.1'])));
    });
    const started = Date.now();
    const lost = await Promise.allSettled([1, 2, 3].map(() => upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000))));
    expect(lost.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(Date.now() - started).toBeLessThan(1000);
    drop = false;
    expect(answers(await upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000)))).toEqual(['192.0.2.1']);
  });

  it('rejects an aborted query at once and keeps the connection for the others', async () => {
    const { upstream, connections } = await upstreamTo((socket, queries) => {
      for (const query of queries) {
        if (query.questions![0]!.name !== 'slow.up.test') socket.write(frame(reply(query, ['192.0.2.1'])));
      }
    });
    const started = Date.now();
    await expect(upstream.exchange(question('slow.up.test'), AbortSignal.timeout(100))).rejects.toThrow(/timeout|aborted/i);
    expect(Date.now() - started).toBeLessThan(500);
    expect(answers(await upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000)))).toEqual(['192.0.2.1']);
    expect(connections()).toBe(1);
  });

  it("rejects a reply whose question is not the query's", async () => {
    const { upstream } = await upstreamTo((socket, queries) => {
      for (const query of queries) socket.write(frame(reply({ ...query, questions: [{ name: 'other.up.test', type: 'A' }] }, ['192.0.2.1'])));
    });
    await expect(upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000))).rejects.toThrow(/does not match/);
  });

  it('closes a connection after 10 s without traffic', async () => {
    let closedAt = 0;
    const { upstream } = await upstreamTo((socket, queries) => {
      socket.once('close', () => {
        closedAt = Date.now();
      });
      for (const query of queries) socket.write(frame(reply(query, ['192.0.2.1'])));
    });
    await upstream.exchange(question('a.up.test'), AbortSignal.timeout(3000));
    const answered = Date.now();
    await new Promise((done) => setTimeout(done, 10_500));
    expect(closedAt - answered).toBeGreaterThanOrEqual(9_900);
  }, 15_000);
});
