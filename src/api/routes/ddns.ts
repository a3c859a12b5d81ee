// Dynamic DNS: what the updater found and did (per record and family), and
// "update now" (force: even when nothing changed; resume: lift the stops
// set by auth errors once the owner fixed them at the provider).
import { z } from 'zod';
import { ddnsStatusSchema } from '../../ddns/status.ts';
import { errorResponses } from '../errors.ts';
import type { ApiApp } from '../api-app.ts';
import type { DdnsRoutesContext } from '../context.ts';

const updateBody = z
  .strictObject({
    force: z.boolean().optional().describe('update even when the provider already has the address, and skip a backoff wait'),
    resume: z.boolean().optional().describe('lift the stop of records stopped by an auth or account error'),
  })
  .prefault({});

export function ddnsRoutes(app: ApiApp, ctx: DdnsRoutesContext): void {
  app.get(
    '/ddns',
    {
      schema: { summary: 'Dynamic DNS status', tags: ['ddns'], response: { 200: ddnsStatusSchema, ...errorResponses } },
    },
    () => ctx.ddns.status(),
  );

  app.post(
    '/ddns/update',
    {
      schema: {
        summary: 'Run the dynamic DNS update now',
        tags: ['ddns'],
        body: updateBody,
        response: { 200: ddnsStatusSchema, ...errorResponses },
      },
    },
    (request) => ctx.ddns.updateNow(request.body),
  );
}
