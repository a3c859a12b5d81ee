// GET /config shows the config in force with its secrets hidden; PUT /config
// replaces it whole. A body that still holds the placeholder for a secret
// keeps the secret hearth has (config-secrets.ts says when), so GET → edit →
// PUT works without ever sending secrets back and forth. Commands and paths
// are the host's to set (host-only.ts).
import { z } from 'zod';
import { configSchema } from '../../config/schema.ts';
import { REDACTED, redact, unredact } from '../config-secrets.ts';
import type { ApiContext } from '../context.ts';
import { errorResponses, errorSchema } from '../errors.ts';
import { refuseHostOnlyChanges } from '../host-only.ts';
import type { ApiApp } from '../api-app.ts';

const versionSchema = z.object({ version: z.number().int(), hash: z.string() });

export function configRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/config',
    {
      schema: { summary: 'The config in force, secrets hidden', tags: ['config'], response: { 200: configSchema, ...errorResponses } },
      // The config is valid already, and its durations are one-way transforms
      // that the zod serializer cannot encode back: plain JSON it is.
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    () => redact(ctx.config()),
  );
  app.put(
    '/config',
    {
      schema: {
        summary: 'Replace the whole config, write it to the file and reload',
        description:
          `Secrets left as "${REDACTED}" keep their current value when nothing else of their entry changed. ` +
          "Commands, and paths outside data_dir and the config file's directory, are changed in the file on the host only (403).",
        tags: ['config'],
        body: configSchema,
        response: { 200: versionSchema, 403: errorSchema, 409: errorSchema, ...errorResponses },
      },
    },
    async (request) => {
      const current = ctx.config();
      const next = unredact(request.body, current);
      refuseHostOnlyChanges(next, current, ctx.configFile?.());
      return ctx.replaceConfig(next);
    },
  );
}
