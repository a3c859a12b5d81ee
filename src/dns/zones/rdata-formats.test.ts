import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { describe, expect, it } from 'vitest';
import { nameToWire } from '../name.ts';
import { rdataToText } from './rdata-text.ts';
import { parseType, typeName } from './rr-types.ts';
import { parseZoneFile } from './zonefile.ts';

const TYPES_ZONE = join(import.meta.dirname, '../../../test/integration/differential/zones/types.example.zone');

function parse(text: string) {
  return parseZoneFile(text, { file: 'x.zone', origin: 'x.example' });
}

function rdataOf(type: string, data: string): Uint8Array {
  const parsed = parse(`x 300 ${type} ${data}`);
  expect(parsed.errors).toEqual([]);
  return parsed.records[0]!.rdata;
}

function errorOf(type: string, data: string): string | undefined {
  return parse(`x 300 ${type} ${data}`).errors[0]?.message;
}

/** The record as the codec decodes it from the wire: an independent reading of the same bytes. */
function decoded(type: string, rdata: Uint8Array): Record<string, unknown> {
  const code = parseType(type);
  const head = Uint8Array.from([...nameToWire('x'), code >> 8, code & 255, 0, 1, 0, 0, 0, 60, rdata.length >> 8, rdata.length & 255]);
  return dnsPacket.answer.decode(Uint8Array.from([...head, ...rdata])).data as Record<string, unknown>;
}

describe('the presentation format of every type in the test zone', () => {
  const parsed = parseZoneFile(readFileSync(TYPES_ZONE, 'utf8'), { file: TYPES_ZONE, origin: 'types.example' });

  it('reads the whole file (the differential test checks the bytes against named)', () => {
    expect(parsed.errors).toEqual([]);
    expect(new Set(parsed.records.map((r) => typeName(r.type))).size).toBeGreaterThan(35);
  });

  it('writes each record so that it reads back to the same bytes', () => {
    for (const record of parsed.records) {
      const text = rdataToText(record.type, record.rdata);
      // Only the records written as \# in the file have no other text form.
      expect(text.startsWith('\\#'), text).toBe(record.type === parseType('NULL') || record.type === 65534);
      const again = parseZoneFile(`@ ${typeName(record.type)} ${text}`, { file: 'again', origin: 'types.example' });
      expect(again.errors, `${typeName(record.type)} ${text}`).toEqual([]);
      expect(again.records[0]!.rdata, `${typeName(record.type)} ${text}`).toEqual(record.rdata);
    }
  });
});

describe('the codec reads the same fields from the bytes', () => {
  it('DS, DNSKEY, HINFO, RP, SRV and CAA', () => {
    expect(decoded('DS', rdataOf('DS', '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118'))).toMatchObject({
      keyTag: 60485, algorithm: 5, digestType: 1, digest: Uint8Array.from(Buffer.from('2BB183AF5F22588179A53B0A98631FAD1A292118', 'hex')),
    });
    expect(decoded('DNSKEY', rdataOf('DNSKEY', '257 3 ECDSAP256SHA256 AQID BA=='))).toMatchObject({ flags: 257, algorithm: 13, key: Uint8Array.of(1, 2, 3, 4) });
    expect(decoded('HINFO', rdataOf('HINFO', '"PC" Linux'))).toEqual({ cpu: 'PC', os: 'Linux' });
    expect(decoded('RP', rdataOf('RP', 'admin.x.example. txt'))).toEqual({ mbox: 'admin.x.example', txt: 'txt.x.example' });
    expect(decoded('SRV', rdataOf('SRV', '1 2 3 host'))).toEqual({ priority: 1, weight: 2, port: 3, target: 'host.x.example' });
    expect(decoded('CAA', rdataOf('CAA', '128 issue "ca.example"'))).toMatchObject({ flags: 128, tag: 'issue', value: 'ca.example' });
  });
});

describe('SVCB and HTTPS (RFC 9460)', () => {
  it('writes the keys in order whatever order they are given in', () => {
    expect(rdataToText(64, rdataOf('SVCB', '1 . port=53 alpn=dot mandatory=port'))).toBe('1 . mandatory=port alpn="dot" port=53');
  });

  it('reads a comma inside an alpn id escaped twice, as Appendix A.1 writes it', () => {
    expect(rdataOf('HTTPS', '1 . alpn="f\\\\\\\\oo\\\\,bar,h2"')).toEqual(Uint8Array.from([0, 1, 0, 0, 1, 0, 12, 8, ...Buffer.from('f\\oo,bar'), 2, ...Buffer.from('h2')]));
  });

  it.each([
    ['1 . mandatory=alpn', 'mandatory lists alpn, which is missing'],
    ['1 . alpn=h2 alpn=h3', 'SvcParamKey alpn appears twice'],
    ['1 . colour=blue', 'unknown SvcParamKey "colour"'],
    ['1 . port=http', 'bad port "http"'],
    ['1 . ipv4hint=1.2.3', 'bad ipv4hint address "1.2.3"'],
    ['1 . no-default-alpn=x', 'no-default-alpn takes no value'],
  ])('refuses %s: %s', (data, message) => {
    expect(errorOf('SVCB', data)).toBe(message);
  });
});

describe('other field kinds', () => {
  it('LOC takes the RFC 1876 defaults and writes them out', () => {
    expect(rdataToText(29, rdataOf('LOC', '52 22 23 N 4 53 32 E -2m'))).toBe('52 22 23.000 N 4 53 32.000 E -2m 1m 10000m 10m');
  });

  it('NSEC3 and NSEC3PARAM read their salt, hash and type bitmap', () => {
    const nsec3 = '1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG';
    expect(rdataToText(50, rdataOf('NSEC3', nsec3))).toBe(nsec3);
    expect(rdataToText(51, rdataOf('NSEC3PARAM', '1 0 0 -'))).toBe('1 0 0 -');
    expect(rdataToText(47, rdataOf('NSEC', 'host.x.example. A MX RRSIG NSEC TYPE1234'))).toBe('host.x.example. A MX RRSIG NSEC TYPE1234');
  });

  it('IPSECKEY and AMTRELAY read their gateway by its type; an IPSECKEY may go without a key (RFC 4025 §2.6), which named refuses', () => {
    expect(rdataToText(45, rdataOf('IPSECKEY', '10 0 0 .'))).toBe('10 0 0 .');
    expect(rdataOf('IPSECKEY', '10 2 2 2001:db8::1 AQID')).toEqual(Uint8Array.from([10, 2, 2, 0x20, 1, 0xd, 0xb8, ...new Array(11).fill(0), 1, 1, 2, 3]));
    expect(errorOf('AMTRELAY', '10 0 1 gw.example.')).toBe('not an IPv4 address: "gw.example."');
    expect(errorOf('APL', '1:192.0.2.0/33')).toMatch(/^bad APL item/);
  });

  it('RRSIG reads its times as dates or seconds', () => {
    const sig = 'A 13 3 300 20260101000000 20251201000000 12345 x.example. AQID';
    expect(rdataToText(46, rdataOf('RRSIG', sig))).toBe(sig);
    expect(rdataOf('RRSIG', sig)).toEqual(rdataOf('RRSIG', `A 13 3 300 ${Date.UTC(2026, 0, 1) / 1000} 20251201000000 12345 x.example. AQID`));
  });

  it.each([
    ['SSHFP', '1 1 abc', 'bad hex in fingerprint: "abc"'],
    ['DNSKEY', '257 3 13 AQI', 'bad base64 in public key: "AQI"'],
    ['DS', '1 NOSUCHALG 1 00', 'bad algorithm "NOSUCHALG" (expected 0..255)'],
    ['EUI48', '00-11-22-33-44', 'bad EUI-48 address "00-11-22-33-44"'],
    ['LOC', '91 N 0 E 0m', 'bad latitude "91"'],
    ['NAPTR', '1 1 "u" "E2U" "x"', 'missing replacement'],
    ['A', '192.0.2.1 192.0.2.2', 'unexpected "192.0.2.2" after the A data'],
    ['URI', '1 1', 'missing target'],
  ])('%s %s is refused: %s', (type, data, message) => {
    expect(errorOf(type, data)).toBe(message);
  });
});
