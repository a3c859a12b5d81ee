// The `api:` section of the config file: where the admin API listens and
// where its bearer token is kept.
import { z } from 'zod';
import { listenAddress } from '../values/listen-address.ts';

export const apiSchema = z.strictObject({
  listen: listenAddress(8053).prefault('127.0.0.1:8053'),
  token_file: z.string().prefault('./data/api.token'),
});

export type ApiConfig = z.output<typeof apiSchema>;
