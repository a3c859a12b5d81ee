// GET /config shows the config in force with its secrets hidden; PUT /config
// replaces it whole. A body that still holds the placeholder for a secret
// keeps the secret hearth has, so GET → edit → PUT works without ever
// sending secrets back and forth.
import { z } from 'zod';
import { configSchema, type Config } from '../../config/schema.ts';
import type { ApiContext } from '../context.ts';
import { badRequest, errorResponses, errorSchema } from '../errors.ts';
import type { ApiApp } from '../api-app.ts';

export const REDACTED = '********';
/** Keys of dns_update keys and ddns records that hold secrets. */
const SECRET_KEYS = ['secret', 'token', 'password', 'key_secret'];

type Entry = Readonly<Record<string, unknown>>;

function hidden<T extends Entry>(entry: T): T {
  return Object.fromEntries(Object.entries(entry).map(([key, value]) => [key, SECRET_KEYS.includes(key) && value !== undefined ? REDACTED : value])) as T;
}

function redact(config: Config): Config {
  return {
    ...config,
    ddns: { ...config.ddns, records: config.ddns.records.map(hidden) },
    dns_update: { ...config.dns_update, keys: config.dns_update.keys.map(hidden) },
  };
}

/** Puts the current secrets where `next` has the placeholder; entries are
 *  matched by identity (key name; record provider and name), not position. */
function unredact(next: Config, current: Config): Config {
  const restore = <T extends Entry>(entries: readonly T[], now: readonly T[], same: (a: T, b: T) => boolean, path: string): T[] =>
    entries.map((entry, i) => {
      const match = now.find((candidate) => same(candidate, entry));
      const restored: Record<string, unknown> = { ...entry };
      for (const key of SECRET_KEYS) {
        if (entry[key] !== REDACTED) continue;
        if (match?.[key] === undefined) {
          const where = path.split('.');
          throw badRequest(`${path}[${i}].${key}: "${REDACTED}" stands for a secret hearth has, but it has none for this entry: send the secret itself`,
            [{ in: 'body', path: [...where, i, key], message: 'no current secret to keep' }]);
        }
        restored[key] = match[key];
      }
      return restored as T;
    });
  return {
    ...next,
    ddns: { ...next.ddns, records: restore(next.ddns.records, current.ddns.records, (a, b) => a.provider === b.provider && a.name === b.name, 'ddns.records') },
    dns_update: { ...next.dns_update, keys: restore(next.dns_update.keys, current.dns_update.keys, (a, b) => a.name === b.name, 'dns_update.keys') },
  };
}

const versionSchema = z.object({ version: z.number().int(), hash: z.string() });

export function configRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get('/config', {
    schema: { summary: 'The config in force, secrets hidden', tags: ['config'], response: { 200: configSchema, ...errorResponses } },
    // The config is valid already, and its durations are one-way transforms
    // that the zod serializer cannot encode back: plain JSON it is.
    serializerCompiler: () => (data) => JSON.stringify(data),
  }, () => redact(ctx.config()));
  app.put('/config', {
    schema: {
      summary: 'Replace the whole config, write it to the file and reload',
      description: `Secrets left as "${REDACTED}" keep their current value.`,
      tags: ['config'],
      body: configSchema,
      response: { 200: versionSchema, 409: errorSchema, ...errorResponses },
    },
  }, async (request) => ctx.replaceConfig(unredact(request.body, ctx.config())));
}
