// Failover status, promote and demote. Failover does not exist yet; the
// contract fixes the routes, so they answer what is true: not enabled.
import { z } from 'zod';
import type { ApiContext } from '../context.ts';
import { conflict, errorResponses, errorSchema } from '../errors.ts';
import type { ApiApp } from '../api-app.ts';

export function haRoutes(app: ApiApp, _ctx: ApiContext): void {
  app.get('/ha', {
    schema: { summary: 'Failover status', tags: ['ha'], response: { 200: z.object({ enabled: z.boolean() }), ...errorResponses } },
  }, () => ({ enabled: false }));
  for (const action of ['promote', 'demote'] as const) {
    app.post(`/ha/${action}`, {
      schema: { summary: `${action === 'promote' ? 'Become' : 'Stop being'} the active node`, tags: ['ha'], response: { 409: errorSchema, ...errorResponses } },
    }, () => {
      throw conflict('failover is not part of this hearth yet', 'not_enabled');
    });
  }
}
