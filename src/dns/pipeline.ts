// The resolver is a chain of stages (the model: Blocky's resolver chain and
// CoreDNS's plugin.cfg). A stage either answers or calls `next`; the order
// of the chain is one readable list, built in stages/index.ts.
import type { Query, Response } from './message.ts';
import type { Name } from './record.ts';

export interface Client {
  readonly address: string;
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
}

export interface QueryContext {
  /** The query as the client sent it. */
  readonly query: Query;
  /** The question this pass resolves: the query's, or a CNAME target being chased. */
  readonly name: Name;
  readonly type: number;
  readonly client: Client;
  /** The split-horizon view chosen for the client. */
  readonly view: string;
  /** The names whose CNAMEs led here, first the query's (empty for the query itself). */
  readonly chased: readonly Name[];
  /** Resolves another name from the start of this view's chain (a CNAME target). */
  readonly resolve: (name: Name, type: number) => Promise<Response>;
}

export type Next = () => Promise<Response>;

/** What the server asks: the answer for a client's query (views.ts picks the chain). */
export interface Resolver {
  resolve(query: Query, client: Client): Promise<Resolved>;
}

export interface Resolved {
  readonly response: Response;
  /** The split-horizon view that answered. */
  readonly view: string;
}

export interface Stage {
  handle(ctx: QueryContext, next: Next): Promise<Response>;
}

/** Enough for any sane CNAME chain, small enough to stop a loop early. */
export const MAX_CHASE = 8;

/** A view's stages in order; the last one must answer without calling next. */
export class Chain {
  private readonly stages: readonly Stage[];

  constructor(stages: readonly Stage[]) {
    this.stages = stages;
  }

  run(ctx: QueryContext): Promise<Response> {
    const step = (index: number): Promise<Response> => {
      const stage = this.stages[index];
      if (!stage) throw new Error('the chain ended without an answer');
      return stage.handle(ctx, () => step(index + 1));
    };
    return step(0);
  }

  /** Resolves the client's question in this chain. */
  resolveQuery(query: Query, client: Client, view: string): Promise<Response> {
    return this.run(this.context(query, client, view, query.name, query.type, []));
  }

  private context(query: Query, client: Client, view: string, name: Name, type: number, chased: readonly Name[]): QueryContext {
    return {
      query,
      client,
      view,
      name,
      type,
      chased,
      resolve: (target, targetType) => this.run(this.context(query, client, view, target, targetType, [...chased, name])),
    };
  }
}
