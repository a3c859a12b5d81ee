// The server's gate, before anything is parsed past the header: the rate
// limit first (so even refusals to a spoofed flood are limited, as BIND's RRL
// limits its REFUSED answers), then the allow list. Queries turned away are
// still observed, tagged `denied`, `dropped` or `slipped`, so the query log and
// the metrics show them.
import { emptyResponse, Rcode, type Response } from '../message.ts';
import type { Client } from '../pipeline.ts';
import { AllowList, type InterfaceSubnets } from './allow.ts';
import { RateLimiter, type RateLimitSettings } from './rate-limit.ts';

export type Admit = 'answer' | 'refuse' | 'drop' | 'slip';

export interface AdmissionSettings {
  readonly allow: readonly string[];
  readonly rate_limit: RateLimitSettings;
}

export class Admission {
  private readonly allow: AllowList;
  private readonly limiter: RateLimiter;

  constructor(settings: AdmissionSettings, subnets?: InterfaceSubnets) {
    this.allow = new AllowList(settings.allow, subnets);
    this.limiter = new RateLimiter(settings.rate_limit);
  }

  admit(client: Client): Admit {
    if (client.transport === 'udp') {
      const verdict = this.limiter.check(client.address);
      if (verdict !== 'answer') return verdict;
    }
    return this.allow.allows(client.address) ? 'answer' : 'refuse';
  }
}

/** What goes out for a query turned away: REFUSED (RFC 8906 §3.1.3), or for
 *  a slipped one an empty answer that the encoder truncates (TC=1); nothing
 *  is sent for a dropped one, but the log still sees it. */
export const TURNED_AWAY: Readonly<Record<Exclude<Admit, 'answer'>, Response>> = {
  refuse: emptyResponse(Rcode.REFUSED, 'denied'),
  drop: emptyResponse(Rcode.NOERROR, 'dropped'),
  slip: emptyResponse(Rcode.NOERROR, 'slipped'),
};
