// The cache stage: fresh answers come from the cache with their TTLs reduced
// by their age; a miss goes down the chain once however many clients ask at
// the same moment; and when the upstreams fail or are slow, expired answers
// keep the network resolving (serve-stale, RFC 8767).
import { cacheKey, type AnswerCache, type CacheEntry } from '../cache/cache.ts';
import { Rcode, type Response } from '../message.ts';
import type { Next, QueryContext, Stage } from '../pipeline.ts';

export interface CacheStageOptions {
  /** RFC 8767 §5's client response timer: how long a client with stale data
   *  to fall back on waits for the upstream before getting that data. */
  readonly clientDeadlineMs?: number;
}

/** RFC 8767 §5 suggests 1.8 s, below the usual 2 s stub timeout. */
const CLIENT_DEADLINE_MS = 1800;
/** RFC 8767 §4 suggests 30 s as the TTL of stale answers. */
const STALE_TTL = 30;

export class CacheStage implements Stage {
  private readonly cache: AnswerCache;
  private readonly deadlineMs: number;
  /** One pending lookup per key: identical concurrent misses share it. */
  private readonly pending = new Map<string, Promise<Response>>();

  constructor(cache: AnswerCache, options: CacheStageOptions = {}) {
    this.cache = cache;
    this.deadlineMs = options.clientDeadlineMs ?? CLIENT_DEADLINE_MS;
  }

  handle(ctx: QueryContext, next: Next): Promise<Response> {
    // CD in the key also keeps identical misses that differ in CD from sharing one lookup.
    const key = cacheKey(ctx.name, ctx.type, ctx.query.class, ctx.query.edns?.dnssecOk ?? false, ctx.query.checkingDisabled);
    const entry = this.cache.get(key);
    if (!entry) return this.fetch(key, ctx, next, undefined);
    const now = this.cache.now();
    if (entry.isFresh(now)) {
      entry.hit();
      // The refresh settles on its own; its promise is observed in fetch().
      if (entry.wantsPrefetch(now)) void this.fetch(key, ctx, next, entry);
      return Promise.resolve({ ...this.cache.response(entry), ttls: { minus: entry.age(now) } });
    }
    const stale: Response = { ...this.cache.response(entry), ttls: { fixed: STALE_TTL }, source: 'stale' };
    if (entry.recentlyFailed(now)) return Promise.resolve(stale);
    return this.staleUnlessAnswered(this.fetch(key, ctx, next, entry), stale);
  }

  /** Drops every cached answer (POST /cache/flush); returns how many. */
  flush(): number {
    return this.cache.flush();
  }

  /** Asks the rest of the chain, once per key at a time, and files the answer. */
  private fetch(key: string, ctx: QueryContext, next: Next, old: CacheEntry | undefined): Promise<Response> {
    const running = this.pending.get(key);
    if (running) return running;
    const lookup = call(next).then(
      (response) => {
        if (response.rcode === Rcode.SERVFAIL) this.failed(old);
        else if (!cacheable(ctx, response) || !this.cache.set(key, response)) {
          // A real answer we do not keep: the old one must not outlive it.
          if (old) this.cache.delete(key);
        }
        return response;
      },
      (error: unknown) => {
        this.failed(old);
        throw error;
      },
    );
    this.pending.set(key, lookup);
    // Also what keeps a background refresh's rejection from going unhandled.
    const done = (): void => {
      this.pending.delete(key);
    };
    lookup.then(done, done);
    return lookup;
  }

  private failed(entry: CacheEntry | undefined): void {
    entry?.markFailed(this.cache.now());
  }

  /** RFC 8767 §5: the stale answer when the lookup fails or outlasts the
   *  client deadline; the lookup goes on and refreshes the cache. */
  private staleUnlessAnswered(lookup: Promise<Response>, stale: Response): Promise<Response> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(stale), this.deadlineMs);
      lookup.then(
        (response) => {
          clearTimeout(timer);
          resolve(response.rcode === Rcode.SERVFAIL ? stale : response);
        },
        () => {
          clearTimeout(timer);
          resolve(stale);
        },
      );
    });
  }
}

/** Only upstream answers, and only for the question this pass resolves: a
 *  CNAME chase re-enters the chain, and local or synthesized answers must
 *  never be kept as if an upstream had said them. */
function cacheable(ctx: QueryContext, response: Response): boolean {
  if (!response.source.startsWith('upstream:')) return false;
  const first = response.answer[0];
  return first === undefined || first.name === ctx.name;
}

/** next() as a promise even if it throws before returning one. */
function call(next: Next): Promise<Response> {
  try {
    return next();
  } catch (error) {
    return Promise.reject(error);
  }
}
