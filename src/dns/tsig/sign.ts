// Signing a message with TSIG (RFC 8945 §5.1 for requests, §5.3 for
// responses, which also cover the MAC of the request they answer).
import { algorithmName, fullMacSize, hmac } from './algorithms.ts';
import type { TsigKey } from './key.ts';
import { encodeTsigRecord, TsigError, u16, tsigVariables, type TsigRecord } from './record.ts';
import { appendTsig } from './signed-message.ts';

/** RFC 8945 §5.2.3 recommends a fudge of 300 seconds. */
export const DEFAULT_FUDGE = 300;

export interface Signed {
  readonly message: Uint8Array;
  readonly mac: Uint8Array;
}

/** Appends a TSIG RR to `message` (ARCOUNT + 1). For a response, `requestMac`
 *  is the MAC of the request it answers (RFC 8945 §5.3). `now` is in seconds
 *  since the epoch. */
export function signMessage(
  message: Uint8Array,
  key: TsigKey,
  options: { readonly now: number; readonly requestMac?: Uint8Array; readonly error?: number; readonly otherData?: Uint8Array; readonly fudge?: number },
): Signed {
  const unsignedTsig: TsigRecord = {
    keyName: key.name,
    algorithm: algorithmName(key.algorithm),
    timeSigned: Math.floor(options.now),
    fudge: options.fudge ?? DEFAULT_FUDGE,
    mac: new Uint8Array(0),
    originalId: (message[0]! << 8) | message[1]!,
    error: options.error ?? TsigError.NOERROR,
    otherData: options.otherData ?? new Uint8Array(0),
  };
  const mac = tsigMac(key, message, unsignedTsig, options.requestMac);
  return { message: appendTsig(message, { ...unsignedTsig, mac }), mac };
}

/** The bytes a TSIG RR signed with `key` (a full MAC, no other data) adds to a message. */
export function tsigSize(key: TsigKey): number {
  return encodeTsigRecord({
    keyName: key.name,
    algorithm: algorithmName(key.algorithm),
    timeSigned: 0,
    fudge: 0,
    mac: new Uint8Array(fullMacSize(key.algorithm)),
    originalId: 0,
    error: 0,
    otherData: new Uint8Array(0),
  }).length;
}

/** The full MAC over what RFC 8945 §4.3 lists, in its order: the request
 *  MAC with its length (responses only), the message as it was before the
 *  TSIG was added, and the TSIG variables. */
export function tsigMac(key: TsigKey, unsigned: Uint8Array, tsig: TsigRecord, requestMac: Uint8Array | undefined): Uint8Array {
  const request = requestMac ? [u16(requestMac.length), requestMac] : [];
  return hmac(key, [...request, unsigned, tsigVariables(tsig)]);
}
