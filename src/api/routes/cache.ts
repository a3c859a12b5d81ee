// POST /cache/flush: forget every cached upstream answer (after a change
// upstream that should not wait for TTLs to run out).
import { z } from 'zod';
import type { ApiContext } from '../context.ts';
import { errorResponses } from '../errors.ts';
import type { ApiApp } from '../api-app.ts';

export function cacheRoutes(app: ApiApp, ctx: ApiContext): void {
  app.post(
    '/cache/flush',
    {
      schema: {
        summary: 'Drop every cached answer',
        tags: ['cache'],
        response: { 200: z.object({ flushed: z.number().int().nonnegative() }), ...errorResponses },
      },
    },
    () => ({ flushed: ctx.flushCache() }),
  );
}
