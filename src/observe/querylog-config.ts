// The `querylog:` section of the config file: whether answered queries are
// kept, and for how long and how many.
import { z } from 'zod';
import { duration } from '../values/duration.ts';

export const querylogSchema = z.strictObject({
  enabled: z.boolean().prefault(true),
  /** Rows older than this are deleted. */
  retention: duration.pipe(z.number().positive()).prefault('7d'),
  /** At most this many rows are kept (~100 bytes each on disk); the oldest go first. */
  max_rows: z.number().int().positive().prefault(1_000_000),
});

export type QuerylogConfig = z.output<typeof querylogSchema>;
