// GET /health: the one route without auth, for a load balancer, a monitor or
// the standby Pi to ask "are you up?".
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ApiContext } from '../context.ts';
import type { ApiApp } from '../api-app.ts';

export const HEARTH_VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const health = z.object({
  status: z.literal('ok'),
  version: z.string(),
  uptime_s: z.number().int().nonnegative(),
});

export function healthRoutes(app: ApiApp, _ctx: ApiContext): void {
  app.get(
    '/health',
    {
      schema: { summary: 'Is hearth up?', tags: ['health'], security: [], response: { 200: health } },
    },
    () => ({ status: 'ok' as const, version: HEARTH_VERSION, uptime_s: Math.floor(process.uptime()) }),
  );
}
