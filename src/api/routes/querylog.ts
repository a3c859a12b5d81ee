// GET /querylog: answered queries, newest first, a page at a time, filtered
// by client, name, status and time range.
import { z } from 'zod';
import { ipAddress } from '../../values/address.ts';
import { parseType } from '../../dns/zones/rr-types.ts';
import { STATUSES } from '../../observe/querylog.ts';
import { ApiError, errorResponses, errorSchema, notFound } from '../errors.ts';
import type { ApiApp } from '../api-app.ts';
import type { QuerylogRoutesContext } from '../context.ts';

/** `next` of a page: the time (epoch ms) and id of its last row. */
const cursor = z
  .string()
  .regex(/^\d{1,15}-\d{1,15}$/, 'not a cursor (use the `next` of the previous page)')
  .transform((text) => {
    const [time = '', id = ''] = text.split('-');
    return { time: Number(time), id: Number(id) };
  });

const instant = z.iso.datetime({ offset: true, error: 'not an ISO 8601 date-time (example: 2025-05-01T12:00:00Z)' }).transform((text) => Date.parse(text));

export const querylogQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    before: cursor.optional(),
    client: ipAddress.optional(),
    name: z.string().min(1).max(255).optional().meta({ description: 'a substring of the query name' }),
    status: z.enum(STATUSES).optional(),
    type: z
      .string()
      .transform((text, ctx) => {
        try {
          return parseType(text.toUpperCase());
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      })
      .optional()
      .meta({ description: 'the query type: a mnemonic ("AAAA") or TYPEnnn' }),
    from: instant.optional(),
    to: instant.optional(),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from <= query.to, {
    path: ['to'],
    error: 'to is before from',
  });

const entry = z.object({
  id: z.number().int(),
  time: z.string().meta({ description: 'ISO 8601, when the answer went out' }),
  client: z.string(),
  view: z.string().meta({ description: 'the split-horizon view; "" is the default' }),
  name: z.string(),
  type: z.string(),
  rcode: z.string(),
  status: z.enum(STATUSES),
  source: z.string().meta({ description: 'zone, cloak, blocked, cache, stale, refused, servfail, invalid or upstream:URL' }),
  upstream: z.string().optional(),
  blockedBy: z.object({ list: z.string(), line: z.number().int(), rule: z.string() }).optional(),
  latencyMs: z.number(),
});

export const querylogPage = z.object({
  rows: z.array(entry),
  next: z.string().optional().meta({ description: 'pass as `before` for the next (older) page; absent on the last page' }),
});

export function querylogRoutes(app: ApiApp, ctx: QuerylogRoutesContext): void {
  app.get(
    '/querylog',
    {
      schema: {
        summary: 'Answered queries, newest first',
        tags: ['querylog'],
        querystring: querylogQuery,
        response: { 200: querylogPage, 404: errorSchema, 503: errorSchema, ...errorResponses },
      },
    },
    async (request) => {
      if (!ctx.querylog) throw notFound('the query log is off (querylog.enabled: false)');
      const page = await ctx.querylog.query(request.query).catch((error: unknown) => {
        throw new ApiError(503, 'unavailable', `the query log cannot be read: ${(error as Error).message}`);
      });
      return { rows: page.rows, ...(page.next ? { next: `${page.next.time}-${page.next.id}` } : {}) };
    },
  );
}
