// The local zones and their records, per view. Adds and deletes go through
// LocalZones.update, the path RFC 2136 UPDATEs take: the SOA serial grows and
// the change is journaled before the answer goes out. A record is read from
// its body by the zone file parser, so `data` is written as in a zone file.
import { z } from 'zod';
import { Rcode } from '../../dns/message.ts';
import { isAtOrBelow, parseName } from '../../dns/name.ts';
import { RRType, type Name, type ResourceRecord } from '../../dns/record.ts';
import type { ZoneSummary } from '../../dns/update/local-zones.ts';
import { canonicalOrder, deletes, deletion, hasComment, recordToAdd, whyNotAdded } from '../../dns/update/record-edits.ts';
import { serialOf } from '../../dns/update/serial.ts';
import type { UpdateResult } from '../../dns/update/updater.ts';
import { DEFAULT_VIEW } from '../../dns/views.ts';
import { nameText, rdataToText } from '../../dns/zones/rdata-text.ts';
import type { Zone } from '../../dns/zones/zone.ts';
import { parseType, typeName } from '../../dns/zones/rr-types.ts';
import { parseZoneFile } from '../../dns/zones/zonefile.ts';
import { ApiError, badRequest, conflict, errorResponses, errorSchema, notFound } from '../errors.ts';
import type { ApiApp } from '../api-app.ts';
import type { ZonesRoutesContext } from '../context.ts';

/** The zone's apex in a name field. No canonical name is "@": name.ts writes that byte as \064. */
const APEX = '@';

/** A name as GET shows it: absolute, the trailing dot optional. */
function absoluteName(text: string): Name {
  return parseName(text.endsWith('.') ? text : `${text}.`);
}

/** A zod transform that runs `parse`, and turns what it throws (the zone file parser's messages) into an issue. */
function asTransform<T>(parse: (text: string) => T, hint = '') {
  return (text: string, ctx: z.RefinementCtx): T => {
    try {
      return parse(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `${(error as Error).message}${hint}` });
      return z.NEVER;
    }
  };
}

const name = z
  .string()
  .transform(asTransform((text) => (text === APEX ? APEX : absoluteName(text))))
  .meta({ description: 'absolute, as GET shows it ("nas.home.lan", a trailing dot is optional); "@" is the zone itself' });
const type = z
  .string()
  .transform(asTransform(parseType, ' (a mnemonic of the IANA registry such as A, MX, HTTPS, or TYPEnnn)'))
  .meta({ description: 'a mnemonic ("A", "MX") or TYPEnnn (RFC 3597)' });
const data = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    // One body is one record: no line breaks, and no comment cutting the data short.
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    if (/[\0-\x08\n-\x1f\x7f]/.test(text)) ctx.addIssue({ code: 'custom', message: 'one record on one line: no line breaks or control characters' });
    if (hasComment(text)) ctx.addIssue({ code: 'custom', message: 'an unquoted ";" starts a comment in a zone file: quote the text or write \\;' });
  })
  .meta({ description: 'as in a zone file ("192.168.1.10", "10 mail", "\\"some text\\""); names in it are relative to the zone unless they end with "."' });
const ttl = z.number().int().min(0).max(2_147_483_647); // RFC 2181 §8

const zoneParams = z.strictObject({
  zone: z.string().transform(asTransform(absoluteName)).meta({ description: "the zone's origin, e.g. home.lan" }),
});
const viewQuery = z.strictObject({ view: z.string().min(1).default(DEFAULT_VIEW).meta({ description: 'the split-horizon view; "default" when absent' }) });
const recordsQuery = viewQuery.extend({ name: name.optional(), type: type.optional() });
export const addBody = z
  .strictObject({
    name,
    type,
    data,
    ttl: ttl.optional().meta({
      description: "seconds; when absent the RRset's TTL, or for a new RRset the TTL of the zone's SOA. A TTL given applies to the whole RRset (RFC 2181 §5.2)",
    }),
  })
  .meta({ example: { name: 'tv.home.lan', type: 'A', data: '192.168.1.40', ttl: 300 } });
export const deleteBody = z
  .strictObject({ name, type: type.optional(), data: data.optional() })
  .refine((body) => body.data === undefined || body.type !== undefined, { path: ['type'], error: 'data deletes one record of a type: give the type too' })
  .meta({ description: 'with data: that record; with type only: the RRset; with name only: every record of the name' });

const recordSchema = z
  .object({ name: z.string(), type: z.string(), ttl: z.number().int(), data: z.string() })
  .meta({ example: { name: 'nas.home.lan', type: 'MX', ttl: 3600, data: '10 mail.home.lan.' } });
const serial = z.number().int().nonnegative().meta({ description: "the zone's SOA serial after the change" });
export const zonesSchema = z.object({ zones: z.array(z.object({ origin: z.string(), serial: z.number().int(), records: z.number().int() })) });
export const recordsSchema = z.object({ zone: z.string(), serial: z.number().int(), records: z.array(recordSchema) });

function present(record: ResourceRecord): z.infer<typeof recordSchema> {
  return { name: record.name, type: typeName(record.type), ttl: record.ttl, data: rdataToText(record.type, record.rdata) };
}

export function zonesRoutes(app: ApiApp, ctx: ZonesRoutesContext): void {
  const tags = ['zones'];

  app.get(
    '/zones',
    {
      schema: { summary: 'The local zones of a view', tags, querystring: viewQuery, response: { 200: zonesSchema, 404: errorSchema, ...errorResponses } },
    },
    (request) => ({ zones: zonesOf(ctx, request.query.view).sort((a, b) => (a.origin < b.origin ? -1 : 1)) }),
  );

  app.get(
    '/zones/:zone/records',
    {
      schema: {
        summary: "A zone's records",
        tags,
        params: zoneParams,
        querystring: recordsQuery,
        response: { 200: recordsSchema, 404: errorSchema, ...errorResponses },
      },
    },
    (request) => {
      const { zone: origin } = request.params;
      const { view, type } = request.query;
      const records = recordsOf(ctx, origin, view);
      const owner = request.query.name === undefined ? undefined : inZone(request.query.name, origin, 'querystring');
      const shown = records.filter((r) => (owner === undefined || r.name === owner) && (type === undefined || r.type === type));
      const soa = records.find((r) => r.name === origin && r.type === RRType.SOA);
      return { zone: origin, serial: soa ? serialOf(soa) : 0, records: shown.sort(canonicalOrder).map(present) };
    },
  );

  app.post(
    '/zones/:zone/records',
    {
      schema: {
        summary: 'Add a record',
        description: 'A CNAME replaces the CNAME the name has (RFC 2136 §3.4.2.2).',
        tags,
        params: zoneParams,
        querystring: viewQuery,
        body: addBody,
        response: { 201: z.object({ record: recordSchema, serial }), 404: errorSchema, 409: errorSchema, 503: errorSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { zone: origin } = request.params;
      const { view } = request.query;
      const { type, data: text } = request.body;
      const records = recordsOf(ctx, origin, view);
      const owner = inZone(request.body.name, origin, 'body');
      const rdata = recordData(origin, owner, type, text);
      const record = recordToAdd({ owner, type, rdata, ttl: request.body.ttl }, records);
      if (!record) throw conflict(`${owner} ${typeName(type)} ${text} is there already`);
      const result = applied(ctx.zones.update(origin, { prerequisites: [], updates: [record] }, view));
      if (!result.changed) throw conflict(whyNotAdded(record, records));
      return reply.code(201).send({ record: present(record), serial: serialOf(result.zone.soa) });
    },
  );

  app.delete(
    '/zones/:zone/records',
    {
      schema: {
        summary: 'Delete a record, an RRset or a name',
        description: "The zone's SOA and its last NS record stay.",
        tags,
        params: zoneParams,
        querystring: viewQuery,
        body: deleteBody,
        response: { 200: z.object({ removed: z.number().int(), serial }), 404: errorSchema, 409: errorSchema, 503: errorSchema, ...errorResponses },
      },
    },
    (request) => {
      const { zone: origin } = request.params;
      const { view } = request.query;
      const { type, data: text } = request.body;
      const records = recordsOf(ctx, origin, view);
      const owner = inZone(request.body.name, origin, 'body');
      const update = deletion(owner, type, type !== undefined && text !== undefined ? recordData(origin, owner, type, text) : undefined);
      const what = [owner, type === undefined ? '' : typeName(type), text ?? ''].join(' ').trim();
      if (!records.some((record) => deletes(update, record))) throw notFound(`no record ${what} in ${origin}`);
      const result = applied(ctx.zones.update(origin, { prerequisites: [], updates: [update] }, view));
      if (!result.changed)
        throw conflict(`${what} stays: hearth keeps the zone's SOA (its serial counts the changes) and at least one NS record (RFC 2136 §3.4.2.4)`);
      return { removed: records.length - [...result.zone.records()].length, serial: serialOf(result.zone.soa) };
    },
  );
}

function zonesOf(ctx: ZonesRoutesContext, view: string): ZoneSummary[] {
  const zones = ctx.zones.list(view);
  if (!zones) throw notFound(`no view named "${view}"`);
  return zones;
}

function recordsOf(ctx: ZonesRoutesContext, origin: Name, view: string): ResourceRecord[] {
  zonesOf(ctx, view);
  const records = ctx.zones.records(origin, view);
  if (!records) throw notFound(`the view "${view}" serves no zone ${origin}`);
  return records;
}

/** The owner name of a body or query, which must lie in the zone. */
function inZone(owner: Name, origin: Name, where: 'body' | 'querystring'): Name {
  const name = owner === APEX ? origin : owner;
  if (isAtOrBelow(name, origin)) return name;
  const message = `${nameText(name)} is not in the zone ${origin} (names are absolute, as GET shows them: "www.${origin}")`;
  throw badRequest(`name: ${message}`, [{ in: where, path: ['name'], message }]);
}

/** The RDATA of `data`, read by the zone file parser as one line of a zone file for `origin`. */
function recordData(origin: Name, owner: Name, type: number, data: string): Uint8Array {
  const { records, errors } = parseZoneFile(`${nameText(owner)} IN ${typeName(type)} ${data}`, { file: 'body', origin });
  const [record] = records;
  if (record && errors.length === 0) return record.rdata;
  const message = errors[0]?.message ?? 'not one record';
  throw badRequest(`data: ${message}`, [{ in: 'body', path: ['data'], message }]);
}

/** The zone after a successful update, or the error that tells the client why not. */
function applied(result: UpdateResult | undefined): { readonly zone: Zone; readonly changed: boolean } {
  if (!result) throw notFound('the zone is no longer served');
  if ('zone' in result) return result;
  switch (result.rcode) {
    case Rcode.FORMERR:
      throw badRequest(`not a record a zone can hold (a query-only type, or data of the wrong length): ${result.reason}`);
    // The zone would not load with it: names in `\#` data that are not names.
    case Rcode.REFUSED:
      throw badRequest(`data: ${result.reason}`, [{ in: 'body', path: ['data'], message: result.reason }]);
    case Rcode.SERVFAIL:
      throw new ApiError(503, 'unavailable', result.reason);
    default:
      throw conflict(result.reason);
  }
}
