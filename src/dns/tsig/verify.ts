// Checking a message's TSIG (RFC 8945 §5.2 for requests, §5.4 for the
// responses to our own), in the order the RFC fixes: key, MAC, time,
// truncation. And the TSIG of the answer to a request that failed (§5.3.2).
import { timingSafeEqual } from 'node:crypto';
import { MalformedMessage } from '../reader.ts';
import type { Name } from '../record.ts';
import { algorithmNamed, fullMacSize, shortestMacSize } from './algorithms.ts';
import type { TsigKey } from './key.ts';
import { TsigError, u48 } from './record.ts';
import { DEFAULT_FUDGE, signMessage, tsigMac } from './sign.ts';
import { appendTsig, splitTsig, type SplitMessage } from './signed-message.ts';

interface RejectedMessage {
  readonly kind: 'rejected';
  readonly keyName: Name;
  readonly algorithm: Name;
  readonly message: Uint8Array;
  /** In a response: the TSIG Error the server set (it found fault with our request). */
  readonly peerError?: number;
}

export type TsigRejection =
  | (RejectedMessage & { readonly error: 'BADKEY'; readonly key?: undefined; readonly mac?: undefined })
  | (RejectedMessage & { readonly error: 'BADSIG'; readonly key: TsigKey; readonly mac?: undefined })
  /** The MAC was right: the answer is signed, over `mac`, and a BADTIME
   *  answer reuses the request's `timeSigned`. */
  | (RejectedMessage & { readonly error: 'BADTIME' | 'BADTRUNC'; readonly key: TsigKey; readonly mac: Uint8Array; readonly timeSigned: number });

// `message` in each verdict: the message without its TSIG RR (ARCOUNT
// decremented, the original ID restored from the TSIG RR), ready to be
// parsed as if unsigned.
export type TsigVerdict =
  | { readonly kind: 'unsigned'; readonly message: Uint8Array }
  | {
      readonly kind: 'valid';
      readonly key: TsigKey;
      readonly mac: Uint8Array;
      readonly message: Uint8Array;
      readonly peerError?: number;
      /** Seconds since the epoch until which the signature would still be accepted. */
      readonly validUntil: number;
    }
  | TsigRejection
  | { readonly kind: 'malformed'; readonly reason: string };

/** The most Fudge honoured, whatever the signer asks (RFC 8945 §10 recommends
 *  300 s): a request may claim up to 65,535 s, ~18 hours of replay. */
export const MAX_FUDGE = 300;

export function verifyRequest(message: Uint8Array, findKey: (name: Name) => TsigKey | undefined, now: number): TsigVerdict {
  return verify(message, findKey, now, undefined);
}

/** Checks the answer to a request we signed with `key`, whose MAC was `requestMac`. */
export function verifyResponse(message: Uint8Array, key: TsigKey, requestMac: Uint8Array, now: number): TsigVerdict {
  return verify(message, (name) => (name === key.name ? key : undefined), now, requestMac);
}

function verify(message: Uint8Array, findKey: (name: Name) => TsigKey | undefined, now: number, requestMac: Uint8Array | undefined): TsigVerdict {
  let split: SplitMessage;
  try {
    split = splitTsig(message);
  } catch (error) {
    if (error instanceof MalformedMessage) return { kind: 'malformed', reason: error.message };
    throw error;
  }
  if (split.kind === 'unsigned') return { kind: 'unsigned', message };
  const { tsig, unsigned } = split;
  const peerError = requestMac && tsig.error !== TsigError.NOERROR ? { peerError: tsig.error } : {};
  const rejected = { kind: 'rejected', keyName: tsig.keyName, algorithm: tsig.algorithm, message: unsigned, ...peerError } as const;

  // RFC 8945 §5.2.1: an unknown key, or a known key with another algorithm.
  const key = findKey(tsig.keyName);
  if (!key || algorithmNamed(tsig.algorithm) !== key.algorithm) return { ...rejected, error: 'BADKEY' };

  const size = tsig.mac.length;
  // RFC 8945 §5.3.2: a server that rejected our key or MAC answers unsigned.
  if (requestMac && size === 0 && tsig.error !== TsigError.NOERROR) return { ...rejected, error: 'BADSIG', key };
  // RFC 8945 §5.2.2.1: longer than the hash, or truncated below the minimum.
  if (size > fullMacSize(key.algorithm) || size < shortestMacSize(key.algorithm)) {
    return { kind: 'malformed', reason: `a ${size}-byte MAC is not allowed for ${key.algorithm}` };
  }
  // RFC 8945 §5.2.2: a truncated MAC is compared with as many leading bytes.
  const expected = tsigMac(key, unsigned, tsig, requestMac).subarray(0, size);
  if (!timingSafeEqual(expected, tsig.mac)) return { ...rejected, error: 'BADSIG', key };

  const signedRejection = { ...rejected, key, mac: tsig.mac, timeSigned: tsig.timeSigned };
  // RFC 8945 §5.2.3: checked only once the MAC proves the time is the signer's.
  const fudge = Math.min(tsig.fudge, MAX_FUDGE);
  if (Math.abs(now - tsig.timeSigned) > fudge) return { ...signedRejection, error: 'BADTIME' };
  // RFC 8945 §5.2.4, local policy: a request may use any truncation §5.2.2.1
  // allows; a response must not be truncated more than our request was.
  if (requestMac && size < Math.min(requestMac.length, fullMacSize(key.algorithm))) return { ...signedRejection, error: 'BADTRUNC' };
  return { kind: 'valid', key, mac: tsig.mac, message: unsigned, validUntil: tsig.timeSigned + fudge, ...peerError };
}

/** The TSIG RR of the answer to a rejected request (RFC 8945 §5.3.2): BADKEY
 *  and BADSIG get an unsigned TSIG (empty MAC) with the error; BADTIME is
 *  signed and carries the server's time in Other Data; BADTRUNC is signed.
 *  Returns the response with the TSIG appended. */
export function signRejection(response: Uint8Array, verdict: TsigRejection, now: number): Uint8Array {
  switch (verdict.error) {
    case 'BADKEY':
    case 'BADSIG': {
      const empty = new Uint8Array(0);
      return appendTsig(response, {
        keyName: verdict.keyName,
        algorithm: verdict.algorithm,
        timeSigned: Math.floor(now),
        fudge: DEFAULT_FUDGE,
        mac: empty,
        originalId: (response[0]! << 8) | response[1]!,
        error: TsigError[verdict.error],
        otherData: empty,
      });
    }
    case 'BADTIME':
      // RFC 8945 §5.2.3: signed, with our time in Other Data (§4.2). Its Time
      // Signed is the request's, as BIND and Knot do, so the client's own
      // clock accepts the answer and it learns how far off it is.
      return signMessage(response, verdict.key, {
        now: verdict.timeSigned,
        requestMac: verdict.mac,
        error: TsigError.BADTIME,
        otherData: u48(Math.floor(now)),
      }).message;
    case 'BADTRUNC':
      return signMessage(response, verdict.key, { now, requestMac: verdict.mac, error: TsigError.BADTRUNC }).message;
  }
}
