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
import { querylogSchema } from '../observe/querylog-config.ts';
import { cidr } from '../values/cidr.ts';
import { listenAddress } from '../values/listen-address.ts';

const ha = z.strictObject({
  enabled: z.boolean().prefault(false),
  node_id: z.string().prefault('hearth'),
  priority: z.number().int().min(1).max(254).prefault(100),
  interface: z.string().prefault('eth0'),
  vip: cidr.optional(),
  listen: listenAddress(5399).prefault('0.0.0.0:5399'),
  peers: z.array(listenAddress(5399)).prefault([]),
  advert_interval_ms: z.number().int().positive().prefault(250),
  secret_file: z.string().optional(),
});

export const configSchema = z.strictObject({
  data_dir: z.string().prefault('./data'),
  dns: dnsSchema.prefault({}),
  dhcp: dhcpSchema.prefault({}),
  ddns: ddnsSchema.prefault({}),
  dns_update: dnsUpdateSchema.prefault({}),
  ha: ha.prefault({}),
  api: apiSchema.prefault({}),
  querylog: querylogSchema.prefault({}),
});

export type Config = z.output<typeof configSchema>;
