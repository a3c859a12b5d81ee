// UDP upstream against scripted servers on loopback: spoofed replies are
// ignored (RFC 5452 §9.1), TC=1 goes over TCP, aborts and closes clean up.
import { createSocket, type Socket } from 'node:dgram';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/ports.ts';
import { answers, question, reply, startFakeDns, type FakeDns } from '../../../test/support/fake-dns.ts';
import { createUpstream } from './create.ts';
import { isReplyTo, withId } from './message.ts';
import { QUERIES_PER_SOCKET, SOCKETS } from './udp-sockets.ts';

const OPTIONS = { bootstrap: [] };

describe('isReplyTo', () => {
  const query = withId(question('a.up.test'), 0x1234);
  const response = (packet: Partial<dnsPacket.Packet>): Uint8Array =>
    dnsPacket.encode({
      type: 'response',
      id: 0x1234,
      questions: [{ name: 'a.up.test', type: 'A' }],
      ...packet,
    });

  it('takes the same ID and question, the name in any case', () => {
    expect(isReplyTo(query, response({}))).toBe(true);
    expect(isReplyTo(query, response({ questions: [{ name: 'A.Up.TEST', type: 'A' }] }))).toBe(true);
  });

  it('refuses another ID, name, type or class, a query, or no question', () => {
    expect(isReplyTo(query, response({ id: 0x1235 }))).toBe(false);
    expect(isReplyTo(query, response({ questions: [{ name: 'b.up.test', type: 'A' }] }))).toBe(false);
    expect(isReplyTo(query, response({ questions: [{ name: 'a.up.test', type: 'AAAA' }] }))).toBe(false);
    expect(isReplyTo(query, response({ questions: [{ name: 'a.up.test', type: 'A', class: 'CH' }] }))).toBe(false);
    expect(isReplyTo(query, response({ type: 'query' }))).toBe(false);
    expect(isReplyTo(query, response({ questions: [] }))).toBe(false);
  });
});

describe('the UDP upstream', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function bound(): Promise<Socket> {
    const socket = createSocket('udp4');
    await new Promise<void>((done) => socket.bind(0, '127.0.0.1', done));
    cleanups.push(() => socket.close());
    return socket;
  }

  it('ignores replies with another ID, another question or from another port, and takes the real one', async () => {
    const server = await bound();
    const spoofer = await bound();
    const seen: { id: number; port: number }[] = [];
    server.on('message', (message, client) => {
      const query = dnsPacket.decode(message);
      seen.push({ id: query.id!, port: client.port });
      const send = (socket: Socket, bytes: Uint8Array): void => socket.send(bytes, client.port, client.address);
      send(spoofer, reply(query, ['192.0.2.66']));
      send(server, reply({ ...query, id: (query.id! + 1) & 0xffff }, ['192.0.2.67']));
      send(server, reply({ ...query, questions: [{ name: 'b.up.test', type: 'A' }] }, ['192.0.2.68']));
      send(server, message); // QR=0: a query, not a reply
      // DNS 0x20: the server may echo the name in another case.
      setTimeout(() => send(server, reply({ ...query, questions: [{ name: 'A.UP.test', type: 'A' }] }, ['192.0.2.1'])), 30);
    });
    const upstream = createUpstream(`udp://127.0.0.1:${server.address().port}`, OPTIONS);
    cleanups.push(() => upstream.close());
    for (let i = 0; i < 8; i++) {
      expect(answers(await upstream.exchange(question('a.up.test'), AbortSignal.timeout(2000)))).toEqual(['192.0.2.1']);
    }
    // Random source ports (sockets picked at random from a few) and a new random ID each time.
    expect(new Set(seen.map(({ port }) => port)).size).toBeGreaterThan(1);
    expect(new Set(seen.map(({ id }) => id)).size).toBeGreaterThan(4);
  });

  it('asks again over TCP when the UDP reply is truncated', async () => {
    const fake: FakeDns = await startFakeDns((query, transport) => reply(query, ['192.0.2.1', '192.0.2.2'], transport === 'udp'));
    cleanups.push(() => fake.stop());
    const upstream = createUpstream(`udp://127.0.0.1:${fake.port}`, OPTIONS);
    cleanups.push(() => upstream.close());
    expect(answers(await upstream.exchange(question('a.up.test'), AbortSignal.timeout(2000)))).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(fake.connections()).toBe(1);
  });

  it('rejects as soon as the signal aborts, and frees its source port on close', async () => {
    const silent = await bound();
    const sourcePort = new Promise<number>((done) => silent.once('message', (_, client) => done(client.port)));
    const upstream = createUpstream(`udp://127.0.0.1:${silent.address().port}`, OPTIONS);
    const started = Date.now();
    await expect(upstream.exchange(question('a.up.test'), AbortSignal.timeout(100))).rejects.toThrow(/timeout|aborted/i);
    expect(Date.now() - started).toBeLessThan(500);
    upstream.close();
    // The source port is free again: binding it succeeds.
    const port = await sourcePort;
    const reuse = createSocket('udp4');
    cleanups.push(() => reuse.close());
    await new Promise<void>((done, fail) => {
      reuse.once('error', fail);
      reuse.bind(port, '127.0.0.1', done);
    });
  });

  it('rejects at once when nothing listens (ICMP port unreachable)', async () => {
    const upstream = createUpstream(`udp://127.0.0.1:${await freePort()}`, OPTIONS);
    const started = Date.now();
    await expect(upstream.exchange(question('a.up.test'), AbortSignal.timeout(2000))).rejects.toThrow(/ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("sends a socket's queries from one port until it retires, then from another", async () => {
    const server = await bound();
    const ports: number[] = [];
    server.on('message', (message, client) => {
      ports.push(client.port);
      server.send(reply(dnsPacket.decode(message), ['192.0.2.1']), client.port, client.address);
    });
    const upstream = createUpstream(`udp://127.0.0.1:${server.address().port}`, OPTIONS);
    cleanups.push(() => upstream.close());
    const queries = SOCKETS * QUERIES_PER_SOCKET * 2;
    for (let sent = 0; sent < queries; sent += 32) {
      await Promise.all(Array.from({ length: 32 }, () => upstream.exchange(question('a.up.test'), AbortSignal.timeout(5000))));
    }
    // More ports than the sockets open at once (retired ones were replaced), far fewer than queries.
    const distinct = new Set(ports).size;
    expect(distinct).toBeGreaterThan(SOCKETS);
    expect(distinct).toBeLessThan(queries / 8);
  });

  it('rejects pending exchanges on close', async () => {
    const silent = await bound();
    const upstream = createUpstream(`udp://127.0.0.1:${silent.address().port}`, OPTIONS);
    const pending = upstream.exchange(question('a.up.test'), AbortSignal.timeout(5000));
    await new Promise((done) => setTimeout(done, 20));
    upstream.close();
    await expect(pending).rejects.toThrow(/closed/);
  });
});
