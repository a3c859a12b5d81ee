// A TSIG key (RFC 8945 §3): a name both sides agree on, an HMAC algorithm
// and the shared secret.
import type { Name } from '../record.ts';

export type TsigAlgorithm = 'hmac-sha256' | 'hmac-sha512' | 'hmac-sha1' | 'hmac-md5';

export interface TsigKey {
  readonly name: Name;
  readonly algorithm: TsigAlgorithm;
  readonly secret: Uint8Array;
}
