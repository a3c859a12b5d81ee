// The default view's block lists (dns.blocking.lists): list, add, remove,
// download now, and "is this name blocked, and by what?".
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { blockingSchema } from '../../dns/config.ts';
import type { Config } from '../../config/schema.ts';
import type { ListReport } from '../../dns/blocklist/blocklists.ts';
import { toName } from '../../dns/blocklist/parse.ts';
import { isUrl, listUrlProblem } from '../../dns/blocklist/sources.ts';
import type { ApiContext } from '../context.ts';
import { refuseHostOnlyChanges } from '../host-only.ts';
import { badRequest, conflict, errorResponses, errorSchema, notFound } from '../errors.ts';
import type { ApiApp } from '../api-app.ts';

export const listSource = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'not an https URL' })
      .refine((url) => listUrlProblem(url) === undefined, 'lists are downloaded over https:// only')
      .optional(),
    path: z
      .string()
      .min(1)
      .refine((path) => !isUrl(path), 'a URL: send it as "url"')
      .optional(),
  })
  .refine((body) => (body.url === undefined) !== (body.path === undefined), 'give exactly one of "url" and "path"')
  .meta({ example: { url: 'https://big.oisd.nl/' } });

const listSchema = z.object({
  source: blockingSchema.shape.lists.unwrap().element,
  stats: z
    .object({
      blocked: z.number().int(),
      allowed: z.number().int(),
      regexes: z.number().int(),
      unsupported: z.number().int(),
      invalid: z.number().int(),
    })
    .optional(),
  error: z.string().optional(),
  downloaded: z.string().optional().meta({ description: 'a URL list: when the copy in use was downloaded (ISO 8601)' }),
});
export const listsSchema = z.object({ lists: z.array(listSchema) });
const changedSchema = listsSchema.extend({ version: z.number().int(), hash: z.string() });

export const checkSchema = z.object({
  verdict: z.enum(['none', 'blocked', 'allowed']),
  decidedBy: z.object({ list: z.string(), line: z.number().int(), rule: z.string() }).optional(),
  matches: z.array(
    z.object({
      kind: z.enum(['block', 'allow', 'block-important', 'allow-important']),
      list: z.string(),
      line: z.number().int(),
      rule: z.string(),
    }),
  ),
});

const checkQuery = z.strictObject({
  name: z.string().transform((text, ctx) => {
    const name = toName(text);
    if (typeof name === 'string') return name;
    ctx.addIssue({ code: 'custom', message: `not a domain name: ${name.error}` });
    return z.NEVER;
  }),
  view: z.string().min(1).optional(),
});

function describe(lists: readonly string[], reports: readonly ListReport[]): z.infer<typeof listsSchema> {
  return {
    lists: lists.map((source) => {
      const report = reports.find((r) => r.source === source);
      const stats = report?.stats;
      return {
        source,
        ...(stats
          ? { stats: { blocked: stats.blocked, allowed: stats.allowed, regexes: stats.regexes, unsupported: stats.unsupported, invalid: stats.invalid } }
          : {}),
        ...(report?.error ? { error: report.error } : {}),
        ...(report?.downloaded ? { downloaded: report.downloaded } : {}),
      };
    }),
  };
}

function withLists(config: Config, lists: string[]): Config {
  return { ...config, dns: { ...config.dns, blocking: { ...config.dns.blocking, lists } } };
}

export function blocklistRoutes(app: ApiApp, ctx: ApiContext): void {
  const current = () => describe(ctx.config().dns.blocking.lists, ctx.listReports?.() ?? []);

  app.get(
    '/blocklists',
    {
      schema: {
        summary: "The default view's block lists, with what each held at the last build",
        tags: ['blocklists'],
        response: { 200: listsSchema, ...errorResponses },
      },
    },
    current,
  );

  app.post(
    '/blocklists',
    {
      schema: {
        summary: 'Add a block list (an http(s) URL or a file)',
        tags: ['blocklists'],
        body: listSource,
        response: { 201: changedSchema, 409: errorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const source = request.body.url ?? request.body.path ?? '';
      if (request.body.path !== undefined && !existsSync(source)) {
        throw badRequest(`path: no file ${source} (relative to hearth's working directory, ${process.cwd()})`, [
          { in: 'body', path: ['path'], message: 'no such file' },
        ]);
      }
      const config = ctx.config();
      if (config.dns.blocking.lists.includes(source)) throw conflict(`${source} is a block list already`);
      const next = withLists(config, [...config.dns.blocking.lists, source]);
      refuseHostOnlyChanges(next, config, ctx.configFile?.());
      const version = await ctx.replaceConfig(next);
      return reply.code(201).send({ ...current(), ...version });
    },
  );

  app.delete(
    '/blocklists',
    {
      schema: {
        summary: 'Remove a block list',
        tags: ['blocklists'],
        body: listSource,
        response: { 200: changedSchema, 404: errorSchema, 409: errorSchema, ...errorResponses },
      },
    },
    async (request) => {
      const source = request.body.url ?? request.body.path ?? '';
      const config = ctx.config();
      if (!config.dns.blocking.lists.includes(source)) throw notFound(`${source} is not one of the default view's block lists`);
      const version = await ctx.replaceConfig(
        withLists(
          config,
          config.dns.blocking.lists.filter((list) => list !== source),
        ),
      );
      return { ...current(), ...version };
    },
  );

  app.post(
    '/blocklists/refresh',
    {
      schema: { summary: 'Download the URL lists now and rebuild', tags: ['blocklists'], response: { 200: listsSchema, ...errorResponses } },
    },
    async () => {
      await ctx.refreshLists();
      return current();
    },
  );

  app.get(
    '/blocklists/check',
    {
      schema: {
        summary: 'Is a name blocked, and by which list and line?',
        tags: ['blocklists'],
        querystring: checkQuery,
        response: { 200: checkSchema, 404: errorSchema, ...errorResponses },
      },
    },
    (request) => {
      const { name, view } = request.query;
      const check = ctx.checkName(name, view);
      if (!check) throw notFound(`no view named "${view ?? ''}"`);
      return { ...check, matches: [...check.matches] };
    },
  );
}
