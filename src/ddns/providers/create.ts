// The provider a ddns record names, built from its config and its secret
// (read afresh for every run, see secret.ts).
import { parseName } from '../../dns/name.ts';
import { readTsigKey, TsigKeyError } from '../../dns/tsig/keys.ts';
import { parseServerAddress, RECORD_DEFAULTS, type DdnsRecordConfig } from '../config.ts';
import { CloudflareProvider } from './cloudflare.ts';
import { DuckdnsProvider } from './duckdns.ts';
import { Dyndns2Provider } from './dyndns2.ts';
import type { DnsProvider } from './provider.ts';
import { Rfc2136Provider } from './rfc2136.ts';

export interface RecordSecret {
  readonly secret: string;
  /** The file it was read from, if any. */
  readonly file?: string;
}

export type ProviderBuild = { readonly ok: true; readonly provider: DnsProvider } | { readonly ok: false; readonly reason: string };

export function createProvider(record: DdnsRecordConfig, { secret, file }: RecordSecret, timeoutMs: number): ProviderBuild {
  switch (record.provider) {
    case 'dyndns2':
      return built(
        new Dyndns2Provider({
          server: record.server ?? RECORD_DEFAULTS.dyndns2.server,
          name: record.name,
          login: record.login,
          password: secret,
          timeoutMs,
        }),
      );
    case 'cloudflare': {
      const defaults = RECORD_DEFAULTS.cloudflare;
      return built(
        new CloudflareProvider({
          apiUrl: record.api_url ?? defaults.api_url,
          zoneId: record.zone_id,
          name: record.name,
          token: secret,
          ttl: record.ttl ?? defaults.ttl,
          proxied: record.proxied ?? defaults.proxied,
          timeoutMs,
        }),
      );
    }
    case 'duckdns':
      return built(new DuckdnsProvider({ server: record.server ?? RECORD_DEFAULTS.duckdns.server, name: record.name, token: secret, timeoutMs }));
    case 'rfc2136': {
      const defaults = RECORD_DEFAULTS.rfc2136;
      const algorithm = record.key_algorithm ?? defaults.key_algorithm;
      try {
        // A key file may hold tsig-keygen's whole key statement, as dns_update.keys' secret_file may.
        const key = readTsigKey({ name: record.key_name, algorithm, ...(file ? { secret_file: file } : { secret }) }, 'key', () => secret);
        return built(
          new Rfc2136Provider({
            server: parseServerAddress(record.server)!,
            zone: parseName(record.zone),
            name: parseName(record.name),
            key,
            ttl: record.ttl ?? defaults.ttl,
            timeoutMs,
          }),
        );
      } catch (error) {
        if (error instanceof TsigKeyError) return { ok: false, reason: error.message.replace(/^key\./, 'key_') };
        throw error;
      }
    }
  }
}

function built(provider: DnsProvider): ProviderBuild {
  return { ok: true, provider };
}
