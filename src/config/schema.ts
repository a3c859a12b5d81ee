// The config file's schema, assembled from the sections each part of hearth
// owns beside its code (dns/config.ts, dhcp/config.ts, ...): together the
// single source of truth for every key, its type and its default. Every key
// has a default, so `{}` is a working config (the one `npm start` runs).
// Objects are strict: a misspelt key is an error, not a silently ignored setting.
import { z } from 'zod';
import { apiSchema } from '../api/config.ts';
import { ddnsSchema } from '../ddns/config.ts';
import { dhcpSchema } from '../dhcp/config.ts';
import { dnsSchema } from '../dns/config.ts';
import { dnsUpdateSchema } from '../dns/update/config.ts';
import { haSchema } from '../ha/config.ts';
import { querylogSchema } from '../observe/querylog-config.ts';

export const configSchema = z.strictObject({
  data_dir: z.string().prefault('./data'),
  dns: dnsSchema.prefault({}),
  dhcp: dhcpSchema.prefault({}),
  ddns: ddnsSchema.prefault({}),
  dns_update: dnsUpdateSchema.prefault({}),
  ha: haSchema.prefault({}),
  api: apiSchema.prefault({}),
  querylog: querylogSchema.prefault({}),
});

export type Config = z.output<typeof configSchema>;
