// A set of upstreams and the strategy that picks among them:
//   failover       in the configured order
//   round_robin    each query starts at the next upstream
//   fastest        lowest latency (EWMA) first
//   parallel_best  race two picked by weighted health, take the first good answer (Blocky)
// An upstream that fails, times out or answers SERVFAIL/REFUSED is backed off
// and the query moves on to the next one.
import { emptyResponse, Rcode, type Response } from '../message.ts';
import type { Logger } from '../../observe/log.ts';
import { UpstreamHealth } from './health.ts';
import { buildQuery, isServerFailure, parseReply, type UpstreamQuestion } from './message.ts';
import type { Upstream } from './upstream.ts';

export type Strategy = 'parallel_best' | 'fastest' | 'failover' | 'round_robin';

interface Member {
  readonly upstream: Upstream;
  readonly health: UpstreamHealth;
}

/** One upstream's try: a good answer, or a failure with the reply if there was one. */
type Attempt = { readonly ok: true; readonly response: Response } | { readonly ok: false; readonly response?: Response };

/** Tried at most per query, so a dead pool answers SERVFAIL in bounded time. */
const MAX_ATTEMPTS = 3;

export class UpstreamPool {
  private readonly members: readonly Member[];
  private readonly strategy: Strategy;
  private readonly timeoutMs: number;
  private readonly log: Logger;
  private readonly now: () => number;
  private next = 0;

  constructor(upstreams: readonly Upstream[], strategy: Strategy, timeoutMs: number, log: Logger, now = Date.now) {
    this.members = upstreams.map((upstream) => ({ upstream, health: new UpstreamHealth() }));
    this.strategy = strategy;
    this.timeoutMs = timeoutMs;
    this.log = log;
    this.now = now;
  }

  async resolve(question: UpstreamQuestion): Promise<Response> {
    const message = buildQuery(question);
    const order = this.order();
    let last: Response | undefined;
    let start = 0;
    if (this.strategy === 'parallel_best' && order.length > 1) {
      const raced = await this.race(order.slice(0, 2), message);
      if (raced.ok) return raced.response;
      last = raced.response;
      start = 2;
    }
    for (const member of order.slice(start, MAX_ATTEMPTS)) {
      const result = await this.ask(member, message);
      if (result.ok) return result.response;
      last = result.response ?? last;
    }
    // Every upstream failed: pass on the last SERVFAIL one sent, else our own.
    return last ?? emptyResponse(Rcode.SERVFAIL, 'servfail');
  }

  /** Each upstream's health now, for the metrics. */
  status(): { readonly url: string; readonly up: boolean; readonly latencyMs: number }[] {
    const now = this.now();
    return this.members.map(({ upstream, health }) => ({ url: upstream.url, up: !health.isBackedOff(now), latencyMs: health.latencyMs }));
  }

  /** The members in the order this query tries them; backed-off ones last. */
  private order(): Member[] {
    const now = this.now();
    let ordered: Member[];
    switch (this.strategy) {
      case 'failover':
        ordered = [...this.members];
        break;
      case 'round_robin': {
        const at = this.next++ % this.members.length;
        ordered = [...this.members.slice(at), ...this.members.slice(0, at)];
        break;
      }
      case 'fastest':
        ordered = [...this.members].sort((a, b) => a.health.latencyMs - b.health.latencyMs);
        break;
      case 'parallel_best':
        ordered = weightedShuffle(this.members, now);
        break;
    }
    return [...ordered.filter((m) => !m.health.isBackedOff(now)), ...ordered.filter((m) => m.health.isBackedOff(now))];
  }

  /** Asks both; the first good answer wins and the other is cancelled. */
  private async race(pair: readonly Member[], message: Uint8Array): Promise<Attempt> {
    const cancel = new AbortController();
    const attempts = pair.map((member) =>
      this.ask(member, message, cancel.signal).then((result) => {
        if (!result.ok) throw result;
        return result;
      }),
    );
    try {
      const winner = await Promise.any(attempts);
      cancel.abort();
      return winner;
    } catch (error) {
      const failures = (error as AggregateError).errors as Attempt[];
      const response = failures.find((f) => f.response)?.response;
      return response ? { ok: false, response } : { ok: false };
    }
  }

  private async ask(member: Member, message: Uint8Array, cancel?: AbortSignal): Promise<Attempt> {
    const started = this.now();
    // A timer cleared as soon as the answer is in: AbortSignal.timeout()'s
    // lives its whole 2 s, so at thousands of misses a second its timers and
    // weak references outlived the young generation and filled the old one.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error(`${member.upstream.url}: no answer in ${this.timeoutMs} ms`)), this.timeoutMs);
    const lose = (): void => timeout.abort(cancel?.reason);
    cancel?.addEventListener('abort', lose, { once: true });
    const signal = timeout.signal;
    try {
      const reply = await member.upstream.exchange(message, signal);
      const response = parseReply(reply, `upstream:${member.upstream.url}`);
      if (isServerFailure(response)) {
        member.health.failed(this.now());
        return { ok: false, response };
      }
      member.health.succeeded(this.now() - started);
      return { ok: true, response };
    } catch (error) {
      // Losing a race is not the upstream's fault.
      if (!cancel?.aborted) {
        member.health.failed(this.now());
        this.log.debug({ upstream: member.upstream.url, err: error }, 'upstream failed');
      }
      return { ok: false };
    } finally {
      clearTimeout(timer);
      cancel?.removeEventListener('abort', lose);
    }
  }
}

/** Members in a random order where a higher weight tends to come first. */
function weightedShuffle(members: readonly Member[], now: number): Member[] {
  return members
    .map((member) => ({ member, key: Math.random() ** (1 / member.health.weight(now)) }))
    .sort((a, b) => b.key - a.key)
    .map(({ member }) => member);
}
