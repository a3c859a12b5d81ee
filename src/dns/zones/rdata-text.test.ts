import { describe, expect, it } from 'vitest';
import { RRType } from '../record.ts';
import { rdataToText } from './rdata-text.ts';
import { typeName } from './rr-types.ts';
import { parseZoneFile } from './zonefile.ts';

/** The RDATA of one record written in a zone file for home.lan. */
function rdataOf(type: string, data: string): { type: number; rdata: Uint8Array } {
  const parsed = parseZoneFile(`x 300 IN ${type} ${data}`, { file: 'test', origin: 'home.lan' });
  expect(parsed.errors).toEqual([]);
  const [record] = parsed.records;
  return { type: record!.type, rdata: record!.rdata };
}

describe('record data as a zone file writes it', () => {
  it.each([
    ['A', '192.168.1.10', '192.168.1.10'],
    ['AAAA', 'fd00:0:0:0::10', 'fd00::10'],
    ['AAAA', '::ffff:192.168.1.1', '::ffff:192.168.1.1'],
    ['NS', 'ns', 'ns.home.lan.'],
    ['CNAME', 'nas.example.com.', 'nas.example.com.'],
    ['PTR', 'a\\.b.home.lan.', 'a\\.b.home.lan.'],
    ['MX', '10 mail', '10 mail.home.lan.'],
    ['MX', '0 .', '0 .'],
    ['TXT', 'v=spf1', '"v=spf1"'],
    ['TXT', '"v=spf1 mx -all" "second"', '"v=spf1 mx -all" "second"'],
    ['TXT', '"say \\"hi\\" \\\\ bye"', '"say \\"hi\\" \\\\ bye"'],
    ['TXT', '"café\\009"', '"caf\\195\\169\\009"'],
    ['TXT', '""', '""'],
    ['SRV', '0 5 631 printer', '0 5 631 printer.home.lan.'],
    ['SOA', 'ns hostmaster 2026112201 1h 15m 7d 5m', 'ns.home.lan. hostmaster.home.lan. 2026112201 3600 900 604800 300'],
    ['CAA', '0 issue "letsencrypt.org"', '0 issue "letsencrypt.org"'],
    ['CAA', '128 iodef "mailto:a@b.lan"', '128 iodef "mailto:a@b.lan"'],
    ['HTTPS', '\\# 3 010203', '\\# 3 010203'],
    ['TYPE99', '\\# 0', '\\# 0'],
  ])('%s %s is written %s, which reads back to the same bytes', (type, data, text) => {
    const { type: code, rdata } = rdataOf(type, data);
    expect(rdataToText(code, rdata)).toBe(text);
    expect(rdataOf(typeName(code), text).rdata).toEqual(rdata);
  });

  it.each([
    ['an A of 3 bytes', 'A', '\\# 3 010203'],
    ['an MX without its exchange', 'MX', '\\# 2 000a'],
    ['a TXT string running past the end', 'TXT', '\\# 3 05aabb'],
    ['a CNAME with bytes after its name', 'CNAME', '\\# 3 0000ff'],
    ['a CAA tag with a space', 'CAA', '\\# 5 00026120ff'],
  ])('writes %s in the generic form', (_what, type, data) => {
    const { type: code, rdata } = rdataOf(type, data);
    expect(rdataToText(code, rdata)).toBe(data);
  });

  it('names the types of the IANA registry, others as TYPEnnn', () => {
    expect(typeName(RRType.MX)).toBe('MX');
    expect(typeName(RRType.HINFO)).toBe('HINFO');
    expect(typeName(65280)).toBe('TYPE65280');
  });
});
