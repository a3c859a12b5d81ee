// GET /stats: totals, hourly series and top lists over the last 24 hours,
// from in-memory counters (observe/stats.ts).
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import type { ApiApp } from '../api-app.ts';
import type { StatsRoutesContext } from '../context.ts';

const count = z.number().int().nonnegative();
const statusCounts = {
  blocked: count,
  cached: count.meta({ description: 'from the cache, fresh or stale' }),
  upstream: count,
  local: count.meta({ description: 'local zones and cloaking' }),
  error: count.meta({ description: 'refused, servfail, invalid' }),
};

export const statsSchema = z.object({
  totals: z.object({ queries: count, ...statusCounts, avgLatencyMs: z.number() }),
  series: z
    .array(z.object({ time: z.string(), queries: count, ...statusCounts, avgLatencyMs: z.number() }))
    .meta({ description: 'one entry an hour, oldest first; the last is the hour in progress' }),
  upstreams: z.array(z.object({ upstream: z.string(), count, avgLatencyMs: z.number() })),
  topNames: z.array(z.object({ name: z.string(), count })),
  topBlocked: z.array(z.object({ name: z.string(), count })),
  topClients: z.array(z.object({ client: z.string(), count })),
});

const statsQuery = z.strictObject({
  top: z.coerce.number().int().min(1).max(100).default(10).meta({ description: 'entries in each top list' }),
});

export function statsRoutes(app: ApiApp, ctx: StatsRoutesContext): void {
  app.get(
    '/stats',
    {
      schema: {
        summary: 'Query statistics over the last 24 hours',
        tags: ['stats'],
        querystring: statsQuery,
        response: { 200: statsSchema, ...errorResponses },
      },
    },
    (request) => ctx.stats.snapshot(request.query.top),
  );
}
