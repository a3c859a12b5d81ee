// The dyndns2 protocol (Dyn's update API, spoken by ddclient and offered by
// many providers): GET /nic/update?hostname=…&myip=… with HTTP Basic auth,
// answered by a return code. Dyn's rules: "nochg" repeated is abuse, and any
// failed update is fatal until the user corrects it; so the updater only
// calls this when the address changed, and stops on every error code that is
// not the provider's own trouble (dnserr, 911).
//
// The records cannot be read through this API: the updater compares with the
// last address it confirmed.
import type { Family } from '../address.ts';
import { httpCall, isFailure, statusFailure } from './http.ts';
import type { DnsProvider, UpdateResult } from './provider.ts';

export interface Dyndns2Options {
  readonly server: string;
  readonly name: string;
  readonly login: string;
  readonly password: string;
  readonly timeoutMs: number;
}

/** A pause after the provider reports its own trouble: Dyn asks clients not to hammer it. */
const PROVIDER_TROUBLE_PAUSE_MS = 30 * 60_000;

/** What each return code means for the updater; codes not here are unexpected answers (fatal). */
const RETURN_CODES: Readonly<Record<string, UpdateResult['kind']>> = {
  good: 'updated',
  nochg: 'unchanged',
  badauth: 'auth-error',
  '!donator': 'auth-error',
  nohost: 'auth-error',
  notfqdn: 'fatal',
  numhost: 'fatal',
  abuse: 'fatal',
  badagent: 'fatal',
  dnserr: 'transient',
  '911': 'transient',
};

export class Dyndns2Provider implements DnsProvider {
  private readonly options: Dyndns2Options;

  constructor(options: Dyndns2Options) {
    this.options = options;
  }

  async update(_family: Family, address: string): Promise<UpdateResult> {
    const url = new URL('/nic/update', this.options.server);
    url.searchParams.set('hostname', this.options.name);
    url.searchParams.set('myip', address);
    const credentials = Buffer.from(`${this.options.login}:${this.options.password}`).toString('base64');
    const reply = await httpCall(url, { headers: { authorization: `Basic ${credentials}` } }, this.options.timeoutMs);
    if (isFailure(reply)) return reply;
    const answer = reply.text.trim();
    const [code = '', ...rest] = answer.split(/\s+/);
    const kind = RETURN_CODES[code];
    // Most servers send codes with 200; some answer badauth with 401.
    if (reply.status >= 300 && kind === undefined) return statusFailure(reply);
    const reason = `${this.options.server} answered "${answer.slice(0, 100)}"`;
    if (kind === undefined) return { kind: 'fatal', reason: `${reason}, not a dyndns2 return code` };
    switch (kind) {
      case 'updated':
        // "good 127.0.0.1" when asked for another address: the server
        // ignored the update because it does not accept the client.
        return rest[0] === '127.0.0.1' && address !== '127.0.0.1' ? { kind: 'fatal', reason } : { kind };
      case 'unchanged':
        return { kind };
      case 'transient':
        return { kind, reason, retryAfterMs: PROVIDER_TROUBLE_PAUSE_MS };
      case 'auth-error':
      case 'fatal':
        return { kind, reason };
    }
  }
}
