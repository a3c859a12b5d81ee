// DuckDNS (duckdns.org/spec.jsp): GET /update?domains=…&token=…&ip=… (or
// ipv6=…, which also turns off its detection of the IPv4 address from the
// request), answered "OK" or "KO". With verbose=true an OK says UPDATED or
// NOCHANGE. KO covers both a wrong token and a domain not in the account:
// either way only the owner can fix it.
import type { Family } from '../address.ts';
import { httpCall, isFailure, statusFailure } from './http.ts';
import type { DnsProvider, UpdateResult } from './provider.ts';

export interface DuckdnsOptions {
  readonly server: string;
  /** `myhome` or `myhome.duckdns.org`. */
  readonly name: string;
  readonly token: string;
  readonly timeoutMs: number;
}

export class DuckdnsProvider implements DnsProvider {
  private readonly options: DuckdnsOptions;

  constructor(options: DuckdnsOptions) {
    this.options = options;
  }

  async update(family: Family, address: string): Promise<UpdateResult> {
    const url = new URL('/update', this.options.server);
    url.searchParams.set('domains', this.options.name.replace(/\.duckdns\.org\.?$/i, ''));
    url.searchParams.set('token', this.options.token);
    url.searchParams.set(family === 4 ? 'ip' : 'ipv6', address);
    url.searchParams.set('verbose', 'true');
    const reply = await httpCall(url, {}, this.options.timeoutMs);
    if (isFailure(reply)) return reply;
    if (reply.status !== 200) return statusFailure(reply);
    const lines = reply.text.trim().split(/\r?\n/);
    if (lines[0] === 'OK') return lines.includes('NOCHANGE') ? { kind: 'unchanged' } : { kind: 'updated' };
    const reason = `${this.options.server} answered "${reply.text.trim().slice(0, 100)}"`;
    return lines[0] === 'KO' ? { kind: 'auth-error', reason: `${reason}: a wrong token, or a domain not in the account` } : { kind: 'fatal', reason };
  }
}
