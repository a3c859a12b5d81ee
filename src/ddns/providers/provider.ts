// What every dynamic-DNS provider offers the updater: change the address of
// one family of one record, and where its API allows it cheaply, tell what
// the record holds now. Results say what the updater must do next, so each
// provider decides what its own answers mean.
import type { Family } from '../address.ts';

/** Why a request did not get through. */
export type ProviderFailure =
  /** The credentials are wrong or not allowed to change this record: stop
   *  until the config (or the secret file) changes. */
  | { readonly kind: 'auth-error'; readonly reason: string }
  /** The provider or the path to it has trouble: try again later, not
   *  before `retryAfterMs` when the provider said so. */
  | { readonly kind: 'transient'; readonly reason: string; readonly retryAfterMs?: number }
  /** The provider refuses this update for good (unknown host, blocked for
   *  abuse, bad request): stop until the config changes or the owner resumes it. */
  | { readonly kind: 'fatal'; readonly reason: string };

export type UpdateResult =
  | { readonly kind: 'updated' }
  /** The provider says it had this address already. */
  | { readonly kind: 'unchanged' }
  | ProviderFailure;

export type CurrentResult =
  /** The addresses of that family the record holds (none, one, or a
   *  round-robin set, which the update replaces). */
  { readonly kind: 'current'; readonly addresses: readonly string[] } | ProviderFailure;

export interface DnsProvider {
  /** Present when the provider can be asked what the record holds now;
   *  without it, the updater compares with the last address it confirmed. */
  current?(family: Family): Promise<CurrentResult>;
  update(family: Family, address: string): Promise<UpdateResult>;
}
