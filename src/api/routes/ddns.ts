// Dynamic DNS status and "update now". The updater does not exist yet; the
// contract fixes the routes, so they answer what is true: not enabled.
import { z } from 'zod';
import type { ApiContext } from '../context.ts';
import { conflict, errorResponses, errorSchema } from '../errors.ts';
import type { ApiApp } from '../server.ts';

export function ddnsRoutes(app: ApiApp, _ctx: ApiContext): void {
  app.get('/ddns', {
    schema: { summary: 'Dynamic DNS status', tags: ['ddns'], response: { 200: z.object({ enabled: z.boolean() }), ...errorResponses } },
  }, () => ({ enabled: false }));
  app.post('/ddns/update', {
    schema: { summary: 'Update the dynamic DNS records now', tags: ['ddns'], response: { 409: errorSchema, ...errorResponses } },
  }, () => {
    throw conflict('the dynamic DNS updater is not part of this hearth yet', 'not_enabled');
  });
}
