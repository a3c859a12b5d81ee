import * as dnsPacket from '@leichtgewicht/dns-packet';
import { describe, expect, it } from 'vitest';
import { AnswerCache, type CacheSettings } from '../cache/cache.ts';
import { emptyResponse, Rcode, type Query, type Response } from '../message.ts';
import type { QueryContext } from '../pipeline.ts';
import { RRClass, RRType, type ResourceRecord } from '../record.ts';
import { encodeResponse, parseQuery } from '../wire.ts';
import { CacheStage } from './cache.ts';

const SETTINGS: CacheSettings = { max_entries: 100, min_ttl: 0, max_ttl: 86400, serve_stale: true };

function query(name: string, dnssecOk = false, checkingDisabled = false): Query {
  const parsed = parseQuery(
    dnsPacket.encode({
      type: 'query',
      id: 7,
      flags: dnsPacket.RECURSION_DESIRED | (checkingDisabled ? dnsPacket.CHECKING_DISABLED : 0),
      questions: [{ name, type: 'A' }],
      additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: dnssecOk ? dnsPacket.DNSSEC_OK : 0, data: [] } as never],
    }),
  );
  if (parsed.kind !== 'query') throw new Error('bad test query');
  return parsed.query;
}

function context(name: string, dnssecOk = false, checkingDisabled = false): QueryContext {
  const q = query(name, dnssecOk, checkingDisabled);
  return {
    query: q,
    name: q.name,
    type: q.type,
    view: 'default',
    chased: [],
    client: { address: '192.168.1.20', port: 40000, transport: 'udp' },
    resolve: () => Promise.reject(new Error('no chase in these tests')),
  };
}

function a(name: string, ttl: number, last: number): ResourceRecord {
  return { name, type: RRType.A, class: RRClass.IN, ttl, rdata: Uint8Array.of(192, 0, 2, last) };
}

function upstreamAnswer(name: string, ttl: number, last = 1): Response {
  return { rcode: Rcode.NOERROR, authoritative: false, answer: [a(name, ttl, last)], authority: [], additional: [], source: 'upstream:udp://192.0.2.53:53' };
}

const SERVFAIL = emptyResponse(Rcode.SERVFAIL, 'servfail');

/** A fake rest-of-the-chain: counts calls and answers what `reply` says. */
function fakeNext(reply: () => Response | Promise<Response>) {
  const next = Object.assign(
    () => {
      next.calls++;
      return Promise.resolve(reply());
    },
    { calls: 0 },
  );
  return next;
}

function setup(settings: Partial<CacheSettings> = {}, clientDeadlineMs = 1800) {
  const clock = { t: 1_000_000 };
  const stage = new CacheStage(new AnswerCache({ ...SETTINGS, ...settings }, () => clock.t), { clientDeadlineMs });
  return { stage, clock };
}

/** The answer as a client gets it on the wire. */
function onWire(ctx: QueryContext, response: Response) {
  return dnsPacket.decode(encodeResponse(ctx.query, response, 65535));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('cache hits', () => {
  it('answer from the cache with TTLs reduced by the age', async () => {
    const { stage, clock } = setup();
    const ctx = context('www.example.com');
    const next = fakeNext(() => upstreamAnswer('www.example.com', 300));
    expect((await stage.handle(ctx, next)).source).toBe('upstream:udp://192.0.2.53:53');
    clock.t += 10_000;
    const hit = await stage.handle(ctx, next);
    expect(next.calls).toBe(1);
    expect(hit.source).toBe('cache');
    expect(onWire(ctx, hit).answers?.[0]).toMatchObject({ name: 'www.example.com', ttl: 290, data: '192.0.2.1' });
  });

  it('end at expiry: the next query goes down the chain again', async () => {
    const { stage, clock } = setup({ serve_stale: false });
    const ctx = context('www.example.com');
    const next = fakeNext(() => upstreamAnswer('www.example.com', 60));
    await stage.handle(ctx, next);
    clock.t += 60_000;
    expect((await stage.handle(ctx, next)).source).toBe('upstream:udp://192.0.2.53:53');
    expect(next.calls).toBe(2);
  });

  it('are kept apart by the DO bit', async () => {
    const { stage } = setup();
    const next = fakeNext(() => upstreamAnswer('www.example.com', 300));
    await stage.handle(context('www.example.com', false), next);
    await stage.handle(context('www.example.com', true), next);
    await stage.handle(context('WWW.Example.COM', true), next);
    expect(next.calls).toBe(2);
  });

  it('are kept apart by the CD bit: an answer fetched unchecked never reaches a client that wants it checked', async () => {
    const { stage } = setup();
    // The upstream validates: bogus data is SERVFAIL unless CD=1 turns checking off (RFC 4035 §3.2.2).
    const next = Object.assign(
      (cd: boolean) => {
        next.calls++;
        return Promise.resolve(cd ? upstreamAnswer('bogus.example', 300) : SERVFAIL);
      },
      { calls: 0 },
    );
    const unchecked = await stage.handle(context('bogus.example', false, true), () => next(true));
    expect(unchecked.rcode).toBe(Rcode.NOERROR);
    const checked = await stage.handle(context('bogus.example', false, false), () => next(false));
    expect(checked.rcode).toBe(Rcode.SERVFAIL);
    expect(next.calls).toBe(2);
  });

  it('do not share a pending lookup across the CD bit', async () => {
    const { stage } = setup();
    const next = fakeNext(async () => {
      await sleep(10);
      return upstreamAnswer('www.example.com', 300);
    });
    await Promise.all([stage.handle(context('www.example.com', false, true), next), stage.handle(context('www.example.com', false, false), next)]);
    expect(next.calls).toBe(2);
  });

  it('are gone after flush', async () => {
    const { stage } = setup();
    const ctx = context('www.example.com');
    const next = fakeNext(() => upstreamAnswer('www.example.com', 300));
    await stage.handle(ctx, next);
    expect(stage.flush()).toBe(1);
    await stage.handle(ctx, next);
    expect(next.calls).toBe(2);
  });
});

describe('what the stage does not cache', () => {
  it('SERVFAIL', async () => {
    const { stage } = setup();
    const ctx = context('www.example.com');
    const next = fakeNext(() => SERVFAIL);
    expect((await stage.handle(ctx, next)).rcode).toBe(Rcode.SERVFAIL);
    await stage.handle(ctx, next);
    expect(next.calls).toBe(2);
  });

  it('answers that did not come from an upstream, or are for another name', async () => {
    const { stage } = setup();
    const ctx = context('www.example.com');
    const local = fakeNext(() => ({ ...upstreamAnswer('www.example.com', 300), source: 'zone' }));
    await stage.handle(ctx, local);
    await stage.handle(ctx, local);
    expect(local.calls).toBe(2);
    const other = fakeNext(() => upstreamAnswer('elsewhere.example.com', 300));
    await stage.handle(ctx, other);
    await stage.handle(ctx, other);
    expect(other.calls).toBe(2);
  });
});

describe('coalescing', () => {
  it('sends 100 concurrent identical misses down the chain once', async () => {
    const { stage } = setup();
    const next = fakeNext(async () => {
      await sleep(10);
      return upstreamAnswer('www.example.com', 300);
    });
    const answers = await Promise.all(Array.from({ length: 100 }, () => stage.handle(context('www.example.com'), next)));
    expect(next.calls).toBe(1);
    expect(answers.every((answer) => answer.rcode === Rcode.NOERROR && answer.answer.length === 1)).toBe(true);
  });

  it('passes a failure to every waiter and then forgets it', async () => {
    const { stage } = setup();
    const next = fakeNext(() => Promise.reject(new Error('upstreams down')));
    const results = await Promise.allSettled([1, 2, 3].map(() => stage.handle(context('www.example.com'), next)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    await expect(stage.handle(context('www.example.com'), next)).rejects.toThrow('upstreams down');
    expect(next.calls).toBe(2);
  });
});

describe('serve-stale (RFC 8767)', () => {
  async function expired(settings: Partial<CacheSettings> = {}, deadline = 1800) {
    const setupResult = setup(settings, deadline);
    const ctx = context('www.example.com');
    await setupResult.stage.handle(
      ctx,
      fakeNext(() => upstreamAnswer('www.example.com', 60)),
    );
    setupResult.clock.t += 3_600_000;
    return { ...setupResult, ctx };
  }

  it('answers expired data with TTL 30 when the upstream answers SERVFAIL', async () => {
    const { stage, ctx } = await expired();
    const answer = await stage.handle(
      ctx,
      fakeNext(() => SERVFAIL),
    );
    expect(answer.source).toBe('stale');
    expect(onWire(ctx, answer)).toMatchObject({ rcode: 'NOERROR', answers: [{ ttl: 30, data: '192.0.2.1' }] });
  });

  it('answers expired data when the lookup fails, then waits 30 s before asking again', async () => {
    const { stage, clock, ctx } = await expired();
    const down = fakeNext(() => Promise.reject(new Error('no route')));
    expect((await stage.handle(ctx, down)).source).toBe('stale');
    clock.t += 29_000;
    expect((await stage.handle(ctx, down)).source).toBe('stale');
    expect(down.calls).toBe(1);
    clock.t += 1_000;
    const back = fakeNext(() => upstreamAnswer('www.example.com', 60, 9));
    expect((await stage.handle(ctx, back)).source).toBe('upstream:udp://192.0.2.53:53');
    expect(back.calls).toBe(1);
  });

  it('answers expired data past the client deadline and refreshes in the background', async () => {
    const { stage, ctx } = await expired({}, 20);
    const slow = fakeNext(async () => {
      await sleep(150);
      return upstreamAnswer('www.example.com', 60, 9);
    });
    const started = Date.now();
    const answer = await stage.handle(ctx, slow);
    expect(Date.now() - started).toBeLessThan(140);
    expect(answer.source).toBe('stale');
    expect(onWire(ctx, answer).answers?.[0]).toMatchObject({ ttl: 30, data: '192.0.2.1' });
    await sleep(200);
    const refreshed = await stage.handle(ctx, slow);
    expect(slow.calls).toBe(1);
    expect(refreshed.source).toBe('cache');
    expect(onWire(ctx, refreshed).answers?.[0]).toMatchObject({ data: '192.0.2.9' });
  });

  it('is off with serve_stale: false', async () => {
    const { stage, ctx } = await expired({ serve_stale: false });
    expect(
      (
        await stage.handle(
          ctx,
          fakeNext(() => SERVFAIL),
        )
      ).rcode,
    ).toBe(Rcode.SERVFAIL);
  });
});

describe('prefetch', () => {
  it('refreshes a popular entry in its last 10% once, in the background', async () => {
    const { stage, clock } = setup();
    const ctx = context('www.example.com');
    let last = 1;
    const next = fakeNext(async () => {
      await sleep(20);
      return upstreamAnswer('www.example.com', 100, last++);
    });
    await stage.handle(ctx, next);
    clock.t += 50_000;
    await stage.handle(ctx, next); // popular now, but half its TTL is left
    expect(next.calls).toBe(1);
    clock.t += 41_000;
    const hits = await Promise.all([1, 2, 3].map(() => stage.handle(ctx, next)));
    expect(hits.map((hit) => hit.source)).toEqual(['cache', 'cache', 'cache']);
    expect(next.calls).toBe(2);
    await sleep(50);
    const after = await stage.handle(ctx, next);
    expect(onWire(ctx, after).answers?.[0]).toMatchObject({ ttl: 100, data: '192.0.2.2' });
    expect(next.calls).toBe(2);
  });

  it('leaves entries hit once alone, and survives a failing refresh', async () => {
    const { stage, clock } = setup();
    const ctx = context('www.example.com');
    await stage.handle(
      ctx,
      fakeNext(() => upstreamAnswer('www.example.com', 100)),
    );
    clock.t += 95_000;
    const failing = fakeNext(() => Promise.reject(new Error('down')));
    await stage.handle(ctx, failing);
    expect(failing.calls).toBe(0);
    expect((await stage.handle(ctx, failing)).source).toBe('cache');
    expect((await stage.handle(ctx, failing)).source).toBe('cache');
    expect(failing.calls).toBe(1);
  });
});
