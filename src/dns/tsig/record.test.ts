import { describe, expect, it } from 'vitest';
import { MalformedMessage } from '../reader.ts';
import { decodeTsigRdata, encodeTsigRecord, type TsigRecord } from './record.ts';

const TSIG: TsigRecord = {
  keyName: 'ddns-key',
  algorithm: 'hmac-sha256',
  timeSigned: 2 ** 40 + 5,
  fudge: 300,
  mac: new Uint8Array([1, 2, 3]),
  originalId: 0xbeef,
  error: 18,
  otherData: new Uint8Array([9, 8, 7, 6, 5, 4]),
};

/** The RDATA of an encoded TSIG RR: after the owner and the 10 fixed bytes. */
const rdataOf = (record: Uint8Array): Uint8Array => record.subarray('ddns-key'.length + 2 + 10);

describe('the TSIG RR', () => {
  it('reads back what it wrote, times past 2106 included (48 bits, RFC 8945 §4.2)', () => {
    expect(decodeTsigRdata('ddns-key', rdataOf(encodeTsigRecord(TSIG)))).toEqual(TSIG);
  });

  it('RDATA that is cut short or runs on is malformed', () => {
    const rdata = rdataOf(encodeTsigRecord(TSIG));
    expect(() => decodeTsigRdata('ddns-key', rdata.subarray(0, rdata.length - 1))).toThrow(MalformedMessage);
    expect(() => decodeTsigRdata('ddns-key', Buffer.concat([rdata, Buffer.from([0])]))).toThrow(MalformedMessage);
    expect(() => decodeTsigRdata('ddns-key', Buffer.from([0xc0, 0x0c]))).toThrow(MalformedMessage);
  });
});
