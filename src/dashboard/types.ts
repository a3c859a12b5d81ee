// What the page sends and receives, derived from the API's own zod schemas:
// a field renamed there fails `npx tsc` here. Only types are imported, and
// type stripping removes them, so the browser loads none of the server's code.
import type { z } from 'zod';
import type { configSchema } from '../config/schema.ts';
import type { ddnsStatusSchema } from '../ddns/status.ts';
import type { staticLeaseSchema } from '../dhcp/config.ts';
import type { sessionSchema } from '../api/dashboard/session-routes.ts';
import type { errorSchema } from '../api/errors.ts';
import type { checkSchema, listSource, listsSchema } from '../api/routes/blocklists.ts';
import type { rulesSchema } from '../api/routes/cloaking.ts';
import type { leasesSchema, staticsSchema } from '../api/routes/dhcp.ts';
import type { querylogPage, querylogQuery } from '../api/routes/querylog.ts';
import type { statsSchema } from '../api/routes/stats.ts';
import type { addBody, deleteBody, recordsSchema, zonesSchema } from '../api/routes/zones.ts';

export type SessionInfo = z.output<typeof sessionSchema>;
export type ErrorBody = z.output<typeof errorSchema>;
export type Stats = z.output<typeof statsSchema>;
export type QuerylogPage = z.output<typeof querylogPage>;
export type QuerylogRow = QuerylogPage['rows'][number];
export type QuerylogFilter = Partial<Record<keyof z.input<typeof querylogQuery>, string>>;
export type Lists = z.output<typeof listsSchema>;
export type ListSource = z.input<typeof listSource>;
export type NameCheck = z.output<typeof checkSchema>;
export type CloakingRules = z.output<typeof rulesSchema>;
export type Zones = z.output<typeof zonesSchema>;
export type Records = z.output<typeof recordsSchema>;
export type DnsRecord = Records['records'][number];
export type NewRecord = z.input<typeof addBody>;
export type RecordKey = z.input<typeof deleteBody>;
export type Leases = z.output<typeof leasesSchema>;
export type Lease = Leases['leases'][number];
export type Statics = z.output<typeof staticsSchema>;
export type StaticLease = z.input<typeof staticLeaseSchema>;
export type DdnsStatus = z.output<typeof ddnsStatusSchema>;
/** GET /config answers the config in force; PUT /config takes the same shape back. */
export type Config = z.output<typeof configSchema>;
