// The strategies' choices, with in-memory upstreams whose speed and failures
// the test sets (the real transports are tested against unbound and dnsdist).
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../observe/log.ts';
import { RRType } from '../record.ts';
import { UpstreamPool, type Strategy } from './pool.ts';
import type { Upstream } from './upstream.ts';

type Behaviour = 'answer' | 'servfail' | 'fail' | 'hang';

class ScriptedUpstream implements Upstream {
  readonly url: string;
  calls = 0;
  behaviour: Behaviour;
  private readonly delayMs: number;

  constructor(url: string, behaviour: Behaviour, delayMs = 0) {
    this.url = url;
    this.behaviour = behaviour;
    this.delayMs = delayMs;
  }

  exchange(message: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    this.calls++;
    const query = dnsPacket.decode(message);
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
      if (this.behaviour === 'hang') return;
      setTimeout(() => {
        if (this.behaviour === 'fail') return reject(new Error('connection refused'));
        resolve(
          dnsPacket.encode({
            type: 'response',
            id: query.id,
            flags: this.behaviour === 'servfail' ? 2 : 0,
            questions: query.questions,
            answers: this.behaviour === 'answer' ? [{ name: 'example.com', type: 'A', ttl: 60, data: '192.0.2.1' }] : [],
          }),
        );
      }, this.delayMs);
    });
  }

  close(): void {}
}

const question = { name: 'example.com', type: RRType.A, dnssecOk: false, checkingDisabled: false };

function pool(strategy: Strategy, upstreams: ScriptedUpstream[], timeoutMs = 200): UpstreamPool {
  return new UpstreamPool(upstreams, strategy, timeoutMs, createLogger('silent'));
}

describe('upstream strategies', () => {
  it('failover asks in order and moves on when an upstream fails or answers SERVFAIL', async () => {
    const [a, b, c] = [new ScriptedUpstream('a', 'fail'), new ScriptedUpstream('b', 'servfail'), new ScriptedUpstream('c', 'answer')];
    const response = await pool('failover', [a, b, c]).resolve(question);
    expect(response.source).toBe('upstream:c');
    expect([a.calls, b.calls, c.calls]).toEqual([1, 1, 1]);
  });

  it('backs a failed upstream off, so the next queries start with a healthy one', async () => {
    const [a, b] = [new ScriptedUpstream('a', 'fail'), new ScriptedUpstream('b', 'answer')];
    const p = pool('failover', [a, b]);
    await p.resolve(question);
    await p.resolve(question);
    expect([a.calls, b.calls]).toEqual([1, 2]);
  });

  it("reports each upstream's health: backed off after a failure, latency after answers", async () => {
    const [a, b] = [new ScriptedUpstream('a', 'fail'), new ScriptedUpstream('b', 'answer', 2)];
    const p = pool('failover', [a, b]);
    await p.resolve(question);
    const [first, second] = p.status();
    expect(first).toMatchObject({ url: 'a', up: false });
    expect(second).toMatchObject({ url: 'b', up: true });
    expect(second!.latencyMs).toBeGreaterThan(0);
  });

  it('round_robin spreads queries over the upstreams', async () => {
    const ups = [new ScriptedUpstream('a', 'answer'), new ScriptedUpstream('b', 'answer'), new ScriptedUpstream('c', 'answer')];
    const p = pool('round_robin', ups);
    for (let i = 0; i < 6; i++) await p.resolve(question);
    expect(ups.map((u) => u.calls)).toEqual([2, 2, 2]);
  });

  it('fastest prefers the upstream with the lowest latency once it has measured them', async () => {
    const [slow, fast] = [new ScriptedUpstream('slow', 'answer', 40), new ScriptedUpstream('fast', 'answer', 1)];
    const p = pool('fastest', [slow, fast]);
    for (let i = 0; i < 6; i++) await p.resolve(question);
    expect(fast.calls).toBeGreaterThanOrEqual(4);
  });

  it('parallel_best races two and takes the first good answer', async () => {
    const [hang, good] = [new ScriptedUpstream('hang', 'hang'), new ScriptedUpstream('good', 'answer', 5)];
    const response = await pool('parallel_best', [hang, good], 1_000).resolve(question);
    expect(response.source).toBe('upstream:good');
    expect([hang.calls, good.calls]).toEqual([1, 1]);
  });

  it('answers SERVFAIL when every upstream fails, within the timeout per try', async () => {
    const ups = [new ScriptedUpstream('a', 'hang'), new ScriptedUpstream('b', 'fail')];
    const response = await pool('failover', ups, 50).resolve(question);
    expect(response.rcode).toBe(2);
  });

  it('passes on an upstream SERVFAIL when no upstream does better', async () => {
    const response = await pool('failover', [new ScriptedUpstream('a', 'servfail')]).resolve(question);
    expect(response).toMatchObject({ rcode: 2, source: 'upstream:a' });
  });
});
