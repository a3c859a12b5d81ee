// A TCP connection at its limit of queries in flight starts no more, even
// when one read brings hundreds of pipelined queries (RFC 7766 §6.2.1.1 lets
// a client pipeline; it does not oblige the server to start them all).
import { connect } from 'node:net';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frame } from '../../src/dns/framing.ts';
import { emptyResponse, Rcode, type Response } from '../../src/dns/message.ts';
import type { Resolver } from '../../src/dns/pipeline.ts';
import { DnsServer } from '../../src/dns/server.ts';
import { createLogger } from '../../src/observe/log.ts';
import { freePort } from '../integration/harness.ts';

/** A resolver whose answers wait until released: an upstream that is slow today. */
class HeldResolver implements Resolver {
  started = 0;
  private readonly waiting: (() => void)[] = [];
  resolve(): Promise<{ response: Response; view: string }> {
    this.started++;
    return new Promise((done) => this.waiting.push(() => done({ response: emptyResponse(Rcode.NXDOMAIN, 'zone'), view: 'default' })));
  }
  releaseAll(): void {
    for (const release of this.waiting.splice(0)) release();
  }
}

describe('pipelined TCP queries', () => {
  const resolver = new HeldResolver();
  const server = new DnsServer(resolver, createLogger('silent'));
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    await server.listen([{ host: '127.0.0.1', port }]);
  });
  afterAll(() => server.close());

  it('starts at most the per-connection limit from one read, and the rest as answers go out', async () => {
    const queries = Array.from({ length: 300 }, (_, i) => frame(dnsPacket.encode({ type: 'query', id: i, questions: [{ name: `n${i}.example`, type: 'A' }] })));
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((done) => socket.once('connect', () => done()));
    socket.write(Buffer.concat(queries));
    await new Promise((done) => setTimeout(done, 300));
    expect(resolver.started).toBe(64);
    // Each answer frees a slot, which the queries still waiting take.
    for (let round = 0; round < 10 && resolver.started < 300; round++) {
      resolver.releaseAll();
      await new Promise((done) => setTimeout(done, 50));
    }
    resolver.releaseAll();
    expect(resolver.started).toBe(300);
    socket.destroy();
  });
});
