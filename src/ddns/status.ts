// What GET /ddns shows: the addresses found, and per record and family the
// address the provider last confirmed, the last result, and when the next
// try is due. The zod schema is for the API route's response.
import { z } from 'zod';

const isoTime = z.string().describe('ISO 8601');

export const resultKinds = ['updated', 'unchanged', 'no-address', 'transient', 'auth-error', 'fatal'] as const;
export type ResultKind = (typeof resultKinds)[number];

const result = z.object({
  kind: z.enum(resultKinds),
  message: z.string().optional(),
  at: isoTime,
});

const familyStatus = z.object({
  /** The address the provider last confirmed for this record. */
  address: z.string().nullable(),
  confirmedAt: isoTime.nullable(),
  /** When the record last changed to a new address. */
  changedAt: isoTime.nullable(),
  lastResult: result.nullable(),
  /** Transient failures in a row. */
  failures: z.number().int(),
  /** Set while backing off after transient failures: no try before then. */
  retryAt: isoTime.nullable(),
});

const detected = z.object({
  address: z.string().nullable(),
  /** Where the address came from, or why there is none. */
  detail: z.string(),
  at: isoTime,
});

export const ddnsStatusSchema = z.object({
  enabled: z.boolean(),
  schedule: z.string(),
  running: z.boolean(),
  lastRun: isoTime.nullable(),
  nextRun: isoTime.nullable(),
  /** Null for a family ddns.ip leaves out, or before the first run. */
  addresses: z.object({ v4: detected.nullable(), v6: detected.nullable() }),
  records: z.array(
    z.object({
      provider: z.string(),
      name: z.string(),
      /** Set when an error only the owner can fix stopped the record; it
       *  resumes when its config or secret changes, or on update with resume. */
      stopped: z.object({ kind: z.enum(['auth-error', 'fatal']), reason: z.string(), since: isoTime }).nullable(),
      v4: familyStatus.nullable(),
      v6: familyStatus.nullable(),
    }),
  ),
});

export type DdnsStatus = z.output<typeof ddnsStatusSchema>;
export type FamilyStatus = NonNullable<DdnsStatus['records'][number]['v4']>;
export type DetectedStatus = NonNullable<DdnsStatus['addresses']['v4']>;
