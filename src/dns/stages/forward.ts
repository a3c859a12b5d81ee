// Forwarding: conditional forwarding sends the names below configured
// domains (a corporate domain, the router's reverse zone) to their own
// servers, longest suffix first; every other name goes to the upstreams.
import type { Response } from '../message.ts';
import { parentOf } from '../name.ts';
import type { Next, QueryContext, Stage } from '../pipeline.ts';
import type { Name } from '../record.ts';
import type { InFlightLimit } from '../upstream/in-flight.ts';
import type { UpstreamQuestion } from '../upstream/message.ts';
import type { UpstreamPool } from '../upstream/pool.ts';

function questionOf(ctx: QueryContext): UpstreamQuestion {
  return {
    name: ctx.name,
    type: ctx.type,
    dnssecOk: ctx.query.edns?.dnssecOk ?? false,
    checkingDisabled: ctx.query.checkingDisabled,
  };
}

export class ConditionalForwardStage implements Stage {
  private readonly routes: ReadonlyMap<Name, UpstreamPool>;
  private readonly limit: InFlightLimit;

  constructor(routes: ReadonlyMap<Name, UpstreamPool>, limit: InFlightLimit) {
    this.routes = routes;
    this.limit = limit;
  }

  handle(ctx: QueryContext, next: Next): Promise<Response> {
    if (this.routes.size === 0) return next();
    for (let at: Name | undefined = ctx.name; at !== undefined; at = parentOf(at)) {
      const pool = this.routes.get(at);
      if (pool) return this.limit.run(() => pool.resolve(questionOf(ctx)));
    }
    return next();
  }
}

export class UpstreamStage implements Stage {
  private readonly pool: UpstreamPool;
  private readonly limit: InFlightLimit;

  constructor(pool: UpstreamPool, limit: InFlightLimit) {
    this.pool = pool;
    this.limit = limit;
  }

  handle(ctx: QueryContext): Promise<Response> {
    return this.limit.run(() => this.pool.resolve(questionOf(ctx)));
  }
}
