// The failover pair: GET /ha (this node's view), POST /ha/promote and
// POST /ha/demote (maintenance: hand the VIP over and stay backup until
// promoted or restarted). With ha.enabled false, GET says so and the
// actions answer 409.
import { z } from 'zod';
import type { ApiContext } from '../context.ts';
import { conflict, errorResponses, errorSchema } from '../errors.ts';
import type { ApiApp } from '../api-app.ts';

const state = z.enum(['init', 'backup', 'master']);
const statusSchema = z.union([
  z.object({ enabled: z.literal(false) }),
  z.object({
    enabled: z.literal(true),
    node_id: z.string(),
    state,
    priority: z.object({ configured: z.number(), effective: z.number() }),
    impaired: z.string().nullable(),
    demoted: z.boolean(),
    vip: z.object({ address: z.string(), held: z.boolean() }),
    peers: z.array(
      z.object({
        address: z.string(),
        node_id: z.string(),
        state: z.enum(['backup', 'master']),
        priority: z.number(),
        impaired: z.boolean(),
        age_ms: z.number().meta({ description: 'since its last advert arrived' }),
      }),
    ),
    transitions: z.array(z.object({ at: z.string(), from: state, to: state, reason: z.string() })).meta({ description: 'newest first' }),
    adverts: z.object({
      sent: z.number(),
      received: z.number(),
      rejected: z.record(z.string(), z.number()),
      last_rejection: z.object({ reason: z.string(), from: z.string(), age_ms: z.number() }).nullable(),
    }),
    health: z.record(z.string(), z.object({ failing: z.number(), passing: z.number(), last: z.string() })),
    sync: z
      .looseObject({ peer: z.string(), connected: z.boolean() })
      .optional()
      .meta({ description: 'the state sync with the peer: config version and hash, lease replication, zones, files, clock skew' }),
  }),
]);

export function haRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/ha',
    {
      schema: {
        summary: "Failover status: state, priorities, VIP, the peer's last advert, transitions",
        tags: ['ha'],
        response: { 200: statusSchema, ...errorResponses },
      },
    },
    () => {
      const status = ctx.ha?.status();
      const sync = ctx.pairSync?.();
      return status ? { ...status, ...(sync ? { sync: { ...sync } } : {}) } : { enabled: false as const };
    },
  );
  for (const action of ['promote', 'demote'] as const) {
    app.post(
      `/ha/${action}`,
      {
        schema: {
          summary:
            action === 'promote' ? 'Become master if healthy (and lift a demotion)' : 'Hand the VIP to the peer and stay backup until promoted or restarted',
          tags: ['ha'],
          response: { 200: z.object({ state }), 409: errorSchema, ...errorResponses },
        },
      },
      async () => {
        const pair = ctx.ha;
        if (pair === undefined) throw conflict('failover is not enabled (ha.enabled)', 'not_enabled');
        const outcome = await pair[action]();
        if (!outcome.ok) throw conflict(`cannot ${action}: ${outcome.reason}`);
        return { state: pair.status().state };
      },
    );
  }
}
