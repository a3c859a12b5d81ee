// GET /metrics: Prometheus text exposition (observe/metrics.ts), not JSON.
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import type { ApiApp } from '../api-app.ts';
import type { MetricsRoutesContext } from '../context.ts';

export function metricsRoutes(app: ApiApp, ctx: MetricsRoutesContext): void {
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics',
        tags: ['metrics'],
        response: {
          200: { description: 'Prometheus text format 0.0.4', content: { 'text/plain; version=0.0.4': { schema: z.string() } } },
          ...errorResponses,
        },
      },
    },
    async (_request, reply) => reply.type(ctx.metrics.contentType).send(await ctx.metrics.render()),
  );
}
