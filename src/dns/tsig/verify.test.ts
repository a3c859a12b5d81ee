import { describe, expect, it } from 'vitest';
import { nameToWire } from '../name.ts';
import { RRClass, RRType } from '../record.ts';
import { fullMacSize, TSIG_ALGORITHMS } from './algorithms.ts';
import type { TsigAlgorithm, TsigKey } from './key.ts';
import { encodeTsigRecord, TsigError, u16 } from './record.ts';
import { signMessage } from './sign.ts';
import { appendTsig, splitTsig } from './signed-message.ts';
import { signRejection, verifyRequest, verifyResponse, type TsigVerdict } from './verify.ts';

const NOW = 1_750_000_000;

function keyOf(algorithm: TsigAlgorithm, name = 'ddns-key', secret = 'a shared secret of 32 bytes.....'): TsigKey {
  return { name, algorithm, secret: new TextEncoder().encode(secret) };
}

/** An UPDATE for home.lan with no records: the header and the zone section. */
function update(id = 0x1234, flags = 0x28): Uint8Array {
  return Buffer.concat([Buffer.from([id >> 8, id & 0xff, flags, 0, 0, 1, 0, 0, 0, 0, 0, 0]), nameToWire('home.lan'), u16(RRType.SOA), u16(RRClass.IN)]);
}

/** The answer to `update()`: QR set, NOERROR. */
const response = (id = 0x1234): Uint8Array => update(id, 0xa8);

const only =
  (key: TsigKey) =>
  (name: string): TsigKey | undefined =>
    name === key.name ? key : undefined;

/** `signed` re-sent with its MAC cut to `size` bytes (or grown past it). */
function withMacSize(signed: Uint8Array, size: number): Uint8Array {
  const split = splitTsig(signed);
  if (split.kind !== 'signed') throw new Error('not signed');
  const mac = Buffer.concat([split.tsig.mac, Buffer.alloc(Math.max(0, size - split.tsig.mac.length))]).subarray(0, size);
  return appendTsig(split.unsigned, { ...split.tsig, mac });
}

function kindOf(verdict: TsigVerdict): string {
  return verdict.kind === 'rejected' ? verdict.error : verdict.kind;
}

describe('signing and verifying a request', () => {
  it.each(TSIG_ALGORITHMS)('a message signed with %s verifies, and reads back as it was before signing', (algorithm) => {
    const key = keyOf(algorithm);
    const signed = signMessage(update(), key, { now: NOW });
    expect(signed.mac).toHaveLength(fullMacSize(algorithm));
    expect(signed.message[11]).toBe(1);
    const verdict = verifyRequest(signed.message, only(key), NOW);
    expect(verdict).toMatchObject({ kind: 'valid', key, mac: signed.mac });
    expect(Buffer.from((verdict as { message: Uint8Array }).message)).toEqual(Buffer.from(update()));
  });

  it('a message without TSIG is unsigned and passed on untouched', () => {
    expect(verifyRequest(update(), only(keyOf('hmac-sha256')), NOW)).toEqual({ kind: 'unsigned', message: update() });
  });

  it('a forwarder that changed the ID does not break the MAC, and the original ID comes back', () => {
    const signed = Buffer.from(signMessage(update(0x1234), keyOf('hmac-sha256'), { now: NOW }).message);
    signed.writeUInt16BE(0x9999, 0);
    const verdict = verifyRequest(signed, only(keyOf('hmac-sha256')), NOW);
    expect(verdict.kind).toBe('valid');
    expect(Buffer.from((verdict as { message: Uint8Array }).message).readUInt16BE(0)).toBe(0x1234);
  });

  it('a key name sent in capitals still names the key, and the MAC covers it in lowercase (§4.3.3)', () => {
    const message = update();
    const signed = Buffer.from(signMessage(message, keyOf('hmac-sha256'), { now: NOW }).message);
    signed.write('DDNS-KEY', message.length + 1, 'latin1');
    expect(verifyRequest(signed, only(keyOf('hmac-sha256')), NOW).kind).toBe('valid');
  });
});

describe('what a request is rejected for (RFC 8945 §5.2)', () => {
  const key = keyOf('hmac-sha256');
  const signed = signMessage(update(), key, { now: NOW }).message;

  it('an unknown key is BADKEY', () => {
    expect(verifyRequest(signed, () => undefined, NOW)).toMatchObject({ kind: 'rejected', error: 'BADKEY', keyName: 'ddns-key', algorithm: 'hmac-sha256' });
  });

  it('a known key used with another algorithm is BADKEY', () => {
    expect(kindOf(verifyRequest(signed, only(keyOf('hmac-sha512')), NOW))).toBe('BADKEY');
  });

  it('a message changed after signing is BADSIG', () => {
    const altered = Buffer.from(signed);
    altered[14]! ^= 1; // a letter of the zone name
    expect(kindOf(verifyRequest(altered, only(key), NOW))).toBe('BADSIG');
  });

  it('a wrong secret is BADSIG', () => {
    expect(kindOf(verifyRequest(signed, only(keyOf('hmac-sha256', 'ddns-key', 'another secret')), NOW))).toBe('BADSIG');
  });

  it('a clock off by 10 minutes is BADTIME; within the 300 s fudge it is fine', () => {
    expect(kindOf(verifyRequest(signed, only(key), NOW + 600))).toBe('BADTIME');
    expect(kindOf(verifyRequest(signed, only(key), NOW - 600))).toBe('BADTIME');
    expect(kindOf(verifyRequest(signed, only(key), NOW + 300))).toBe('valid');
  });

  it('the MAC is checked before the time (§5.2.3): a late forgery is BADSIG', () => {
    const altered = Buffer.from(signed);
    altered[14]! ^= 1;
    expect(kindOf(verifyRequest(altered, only(key), NOW + 600))).toBe('BADSIG');
  });
});

describe('truncated MACs (RFC 8945 §5.2.2.1)', () => {
  it.each([
    ['hmac-sha256', 16, 15],
    ['hmac-sha512', 32, 31],
    ['hmac-sha1', 10, 9],
    ['hmac-md5', 10, 9],
  ] as const)('%s: a MAC cut to %i bytes is accepted, to %i bytes it is FORMERR', (algorithm, shortest, tooShort) => {
    const key = keyOf(algorithm);
    const signed = signMessage(update(), key, { now: NOW }).message;
    expect(verifyRequest(withMacSize(signed, shortest), only(key), NOW)).toMatchObject({ kind: 'valid' });
    expect(verifyRequest(withMacSize(signed, tooShort), only(key), NOW)).toMatchObject({ kind: 'malformed' });
  });

  it('a truncated MAC that does not match is BADSIG', () => {
    const key = keyOf('hmac-sha256');
    const truncated = Buffer.from(withMacSize(signMessage(update(), key, { now: NOW }).message, 16));
    truncated[truncated.length - 7]! ^= 1; // the last MAC byte (then ID, error, other len)
    expect(kindOf(verifyRequest(truncated, only(key), NOW))).toBe('BADSIG');
  });

  it('a MAC longer than the hash is FORMERR', () => {
    const key = keyOf('hmac-sha256');
    expect(verifyRequest(withMacSize(signMessage(update(), key, { now: NOW }).message, 33), only(key), NOW)).toMatchObject({ kind: 'malformed' });
  });
});

describe('where the TSIG may be (RFC 8945 §5.2)', () => {
  const key = keyOf('hmac-sha256');
  const signed = Buffer.from(signMessage(update(), key, { now: NOW }).message);
  const opt = Buffer.from([0, 0, RRType.OPT, 0x04, 0xd0, 0, 0, 0, 0, 0, 0]);

  it('a TSIG followed by another additional record is FORMERR', () => {
    const message = Buffer.concat([signed, opt]);
    message.writeUInt16BE(2, 10);
    expect(verifyRequest(message, only(key), NOW)).toMatchObject({ kind: 'malformed' });
  });

  it('two TSIGs are FORMERR', () => {
    expect(verifyRequest(signMessage(signed, key, { now: NOW }).message, only(key), NOW)).toMatchObject({ kind: 'malformed' });
  });

  it('a TSIG in the update section is FORMERR', () => {
    const message = Buffer.from(signed);
    message.writeUInt16BE(1, 8); // NSCOUNT 1, ARCOUNT 0
    message.writeUInt16BE(0, 10);
    expect(verifyRequest(message, only(key), NOW)).toMatchObject({ kind: 'malformed' });
  });

  it('a TSIG of class IN is FORMERR', () => {
    const split = splitTsig(signed);
    if (split.kind !== 'signed') throw new Error('not signed');
    const record = Buffer.from(encodeTsigRecord(split.tsig));
    record.writeUInt16BE(RRClass.IN, nameToWire('ddns-key').length + 2);
    const message = Buffer.concat([split.unsigned, record]);
    message.writeUInt16BE(1, 10);
    expect(verifyRequest(message, only(key), NOW)).toMatchObject({ kind: 'malformed' });
  });

  it('truncated or garbage messages are FORMERR, never an exception', () => {
    for (let end = 0; end < signed.length; end++) {
      expect(['malformed', 'unsigned']).toContain(verifyRequest(signed.subarray(0, end), only(key), NOW).kind);
    }
    expect(verifyRequest(Buffer.alloc(12, 0xff), only(key), NOW)).toMatchObject({ kind: 'malformed' });
  });
});

describe('responses', () => {
  const key = keyOf('hmac-sha256');
  const request = signMessage(update(), key, { now: NOW });

  it('a response signed over the request MAC verifies against that request', () => {
    const verdict = verifyRequest(request.message, only(key), NOW);
    if (verdict.kind !== 'valid') throw new Error(verdict.kind);
    const answer = signMessage(response(), key, { now: NOW + 1, requestMac: verdict.mac });
    expect(verifyResponse(answer.message, key, request.mac, NOW + 1)).toMatchObject({ kind: 'valid', mac: answer.mac });
  });

  it('a response chained to another request, or to none, is BADSIG', () => {
    const other = signMessage(update(0x4321), key, { now: NOW });
    const answer = signMessage(response(), key, { now: NOW, requestMac: other.mac }).message;
    expect(kindOf(verifyResponse(answer, key, request.mac, NOW))).toBe('BADSIG');
    expect(kindOf(verifyResponse(signMessage(response(), key, { now: NOW }).message, key, request.mac, NOW))).toBe('BADSIG');
  });

  it('a response signed with another key is BADKEY, and an unsigned one is unsigned', () => {
    const answer = signMessage(response(), keyOf('hmac-sha256', 'other-key'), { now: NOW, requestMac: request.mac }).message;
    expect(kindOf(verifyResponse(answer, key, request.mac, NOW))).toBe('BADKEY');
    expect(kindOf(verifyResponse(response(), key, request.mac, NOW))).toBe('unsigned');
  });

  it('a response truncated more than our request is BADTRUNC (local policy, §5.2.4)', () => {
    const answer = signMessage(response(), key, { now: NOW, requestMac: request.mac }).message;
    expect(kindOf(verifyResponse(withMacSize(answer, 16), key, request.mac, NOW))).toBe('BADTRUNC');
  });
});

describe('answering a rejected request (RFC 8945 §5.3.2)', () => {
  const key = keyOf('hmac-sha256');
  const request = signMessage(update(), key, { now: NOW });

  function rejection(verdict: TsigVerdict) {
    if (verdict.kind !== 'rejected') throw new Error(`expected a rejection, got ${verdict.kind}`);
    return verdict;
  }

  function tsigOf(message: Uint8Array) {
    const split = splitTsig(message);
    if (split.kind !== 'signed') throw new Error('no TSIG');
    return split.tsig;
  }

  it.each([
    ['BADKEY', () => undefined],
    ['BADSIG', only(keyOf('hmac-sha256', 'ddns-key', 'wrong'))],
  ] as const)('%s is answered with an unsigned TSIG carrying the error', (error, findKey) => {
    const answer = signRejection(response(), rejection(verifyRequest(request.message, findKey, NOW)), NOW);
    expect(tsigOf(answer)).toMatchObject({
      keyName: 'ddns-key',
      algorithm: 'hmac-sha256',
      mac: new Uint8Array(0),
      error: TsigError[error],
      originalId: 0x1234,
    });
    expect(verifyResponse(answer, key, request.mac, NOW)).toMatchObject({ kind: 'rejected', error: 'BADSIG', peerError: TsigError[error] });
  });

  it('BADTIME is signed with the request time, which the client accepts, and tells the server time', () => {
    const serverTime = NOW + 600;
    const answer = signRejection(response(), rejection(verifyRequest(request.message, only(key), serverTime)), serverTime);
    expect(tsigOf(answer)).toMatchObject({ error: TsigError.BADTIME, timeSigned: NOW });
    expect(Buffer.from(tsigOf(answer).otherData).readUIntBE(0, 6)).toBe(serverTime);
    expect(verifyResponse(answer, key, request.mac, NOW)).toMatchObject({ kind: 'valid', peerError: TsigError.BADTIME });
  });

  it('BADTRUNC is signed over the request MAC', () => {
    const truncated = withMacSize(signMessage(response(), key, { now: NOW, requestMac: request.mac }).message, 16);
    const verdict = rejection(verifyResponse(truncated, key, request.mac, NOW));
    const answer = signRejection(update(), verdict, NOW);
    expect(verifyResponse(answer, key, verdict.mac!, NOW)).toMatchObject({ kind: 'valid', peerError: TsigError.BADTRUNC });
  });
});
