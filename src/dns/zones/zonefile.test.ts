import { describe, it, expect } from 'vitest';
import { nameToWire } from '../name.ts';
import { RRType } from '../record.ts';
import type { ResourceRecord } from '../record.ts';
import { parseZoneFile, ttlFromText } from './zonefile.ts';

function parse(text: string, defaultTtl?: number) {
  return parseZoneFile(text, { file: 'home.lan.zone', origin: 'home.lan', defaultTtl });
}

/** Parses a zone that must be error-free. */
function records(text: string): ResourceRecord[] {
  const result = parse(text);
  expect(result.errors).toEqual([]);
  return result.records;
}

function only(text: string): ResourceRecord {
  const [record, ...rest] = records(text);
  expect(rest).toEqual([]);
  return record!;
}

const ascii = (text: string): number[] => [...text].map((ch) => ch.charCodeAt(0));
/** Uncompressed wire name, built by hand: length-prefixed labels then 0. */
const wire = (...labels: string[]): number[] => [...labels.flatMap((label) => [label.length, ...ascii(label)]), 0];
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** Line numbers and messages of the errors in `text`. */
function errorsOf(text: string): Array<[number, string]> {
  return parse(text).errors.map((error) => [error.line, error.message]);
}

describe('a realistic home zone', () => {
  const zone = [
    '; home.lan, served by hearth',
    '$TTL 1h',
    '$ORIGIN home.lan.',
    '@   IN  SOA ns1 hostmaster.home.lan. (   ; primary, contact',
    '        2024060101 ; serial',
    '        1h         ; refresh',
    '        15m        ; retry',
    '        1w         ; expire',
    '        5m )       ; negative caching',
    '    IN  NS  ns1',
    '',
    'ns1         A     192.168.1.1',
    'nas  300 IN A     192.168.1.10 ; the NAS',
    '            AAAA  fd00::10',
    'www         CNAME nas',
    'printer.home.lan. IN 60 A 192.168.1.20',
  ].join('\n');

  it('reads every record with owners made absolute and TTLs from $TTL or the record', () => {
    const summary = records(zone).map((r) => [r.name, r.type, r.class, r.ttl]);
    expect(summary).toEqual([
      ['home.lan', RRType.SOA, 1, 3600],
      ['home.lan', RRType.NS, 1, 3600],
      ['ns1.home.lan', RRType.A, 1, 3600],
      ['nas.home.lan', RRType.A, 1, 300],
      ['nas.home.lan', RRType.AAAA, 1, 3600],
      ['www.home.lan', RRType.CNAME, 1, 3600],
      ['printer.home.lan', RRType.A, 1, 60],
    ]);
  });

  it('encodes the SOA spread over lines in parentheses, with durations as seconds', () => {
    const soa = records(zone)[0]!;
    expect(soa.rdata).toEqual(bytes(
      ...wire('ns1', 'home', 'lan'),
      ...wire('hostmaster', 'home', 'lan'),
      0x78, 0xa4, 0xb4, 0xc5, // 2024060101
      0, 0, 0x0e, 0x10, // 1h = 3600
      0, 0, 0x03, 0x84, // 15m = 900
      0, 0x09, 0x3a, 0x80, // 1w = 604800
      0, 0, 0x01, 0x2c, // 5m = 300
    ));
  });

  it('encodes addresses and names in RDATA', () => {
    const [, ns, a, nasA, aaaa, cname] = records(zone);
    expect(ns!.rdata).toEqual(bytes(...wire('ns1', 'home', 'lan')));
    expect(a!.rdata).toEqual(bytes(192, 168, 1, 1));
    expect(nasA!.rdata).toEqual(bytes(192, 168, 1, 10));
    expect(aaaa!.rdata).toEqual(bytes(0xfd, 0, ...Array(13).fill(0), 0x10));
    expect(cname!.rdata).toEqual(bytes(...wire('nas', 'home', 'lan')));
  });

  it('accepts CRLF line endings', () => {
    expect(records(zone.replaceAll('\n', '\r\n'))).toEqual(records(zone));
  });
});

describe('owner names', () => {
  it('resolves @ and relative names against the origin, and $ORIGIN changes it', () => {
    const names = records([
      '$TTL 300',
      '@ A 10.0.0.1',
      'nas A 10.0.0.2',
      '$ORIGIN iot',
      'plug A 10.0.0.3',
      '@ A 10.0.0.4',
      '$ORIGIN Other.Example.',
      'x A 10.0.0.5',
      'Y.Home.Lan. A 10.0.0.6',
    ].join('\n')).map((r) => r.name);
    expect(names).toEqual(['home.lan', 'nas.home.lan', 'plug.iot.home.lan', 'iot.home.lan', 'x.other.example', 'y.home.lan']);
  });

  it('gives a line starting with whitespace the previous owner, across comments and blank lines', () => {
    const list = records(['nas A 10.0.0.2', '; comment', '', '   AAAA ::1', '\tTXT "hello"'].join('\n'));
    expect(list.map((r) => [r.name, r.type])).toEqual([
      ['nas.home.lan', RRType.A], ['nas.home.lan', RRType.AAAA], ['nas.home.lan', RRType.TXT],
    ]);
  });

  it('writes names in RDATA relative to the current origin', () => {
    const mx = only('$ORIGIN iot.home.lan.\n@ MX 10 hub');
    expect(mx.rdata).toEqual(bytes(0, 10, ...wire('hub', 'iot', 'home', 'lan')));
  });
});

describe('TTL and class', () => {
  it('parses durations the way BIND does', () => {
    expect(ttlFromText('3600')).toBe(3600);
    expect(ttlFromText('1h')).toBe(3600);
    expect(ttlFromText('1d')).toBe(86400);
    expect(ttlFromText('1W')).toBe(604800);
    expect(ttlFromText('30m')).toBe(1800);
    expect(ttlFromText('1h30m')).toBe(5400);
    expect(ttlFromText('2147483647')).toBe(2147483647);
    expect(ttlFromText('2147483648')).toBeUndefined();
    expect(ttlFromText('1x')).toBeUndefined();
    expect(ttlFromText('h')).toBeUndefined();
    expect(ttlFromText('-5')).toBeUndefined();
  });

  it('accepts the TTL and class in either order', () => {
    expect(records('a 300 IN A 10.0.0.1\nb IN 60 A 10.0.0.1\nc in a 10.0.0.1').map((r) => [r.ttl, r.class])).toEqual([[300, 1], [60, 1], [60, 1]]);
  });

  it('without $TTL takes the previous record\'s TTL, and an SOA its own minimum', () => {
    const list = records('@ SOA ns1 host 1 2 3 4 600\nnas A 10.0.0.1\nx 60 A 10.0.0.2\ny A 10.0.0.3');
    expect(list.map((r) => r.ttl)).toEqual([600, 600, 60, 60]);
  });

  it('falls back to the caller\'s default TTL, then to one hour', () => {
    expect(parse('a A 10.0.0.1', 120).records[0]!.ttl).toBe(120);
    expect(parse('a A 10.0.0.1').records[0]!.ttl).toBe(3600);
    expect(parse('$TTL 30m\na A 10.0.0.1', 120).records[0]!.ttl).toBe(1800);
  });
});

describe('record types', () => {
  it('encodes TXT with several strings, spaces, escaped quotes and \\DDD', () => {
    const txt = only('@ TXT "v=spf1 -all" "say \\"hi\\"" plain \\065\\066 ""');
    expect(txt.rdata).toEqual(bytes(
      11, ...ascii('v=spf1 -all'),
      8, ...ascii('say "hi"'),
      5, ...ascii('plain'),
      2, 65, 66,
      0,
    ));
  });

  it('keeps ";" and parentheses inside quotes, and encodes non-ASCII text as UTF-8', () => {
    const txt = only('@ TXT "a;b (c)" "é"');
    expect(txt.rdata).toEqual(bytes(7, ...ascii('a;b (c)'), 2, 0xc3, 0xa9));
  });

  it('allows TXT strings up to 255 bytes and rejects longer ones', () => {
    expect(only(`@ TXT "${'x'.repeat(255)}"`).rdata.length).toBe(256);
    expect(errorsOf(`@ TXT "${'x'.repeat(256)}"`)).toEqual([[1, expect.stringMatching(/longer than 255/)]]);
  });

  it('encodes MX, SRV and CAA', () => {
    const [mx, srv, caa] = records([
      '@ MX 10 mail',
      '_sip._tcp SRV 10 60 5060 sip.example.',
      '@ CAA 0 issue "letsencrypt.org"',
    ].join('\n'));
    expect(mx!.rdata).toEqual(bytes(0, 10, ...wire('mail', 'home', 'lan')));
    expect(srv!.name).toBe('_sip._tcp.home.lan');
    expect(srv!.rdata).toEqual(bytes(0, 10, 0, 60, 0x13, 0xc4, ...wire('sip', 'example')));
    expect(caa!.rdata).toEqual(bytes(0, 5, ...ascii('issue'), ...ascii('letsencrypt.org')));
  });

  it('converts IPv6 text in all its forms to 16 bytes', () => {
    const [full, compressed, mapped, zero] = records('a AAAA 2001:db8:0:0:1:0:0:1\nb AAAA 2001:DB8::1:0:0:1\nc AAAA ::ffff:192.0.2.1\nd AAAA ::');
    const expected = bytes(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1);
    expect(full!.rdata).toEqual(expected);
    expect(compressed!.rdata).toEqual(expected);
    expect(mapped!.rdata).toEqual(bytes(...Array(10).fill(0), 0xff, 0xff, 192, 0, 2, 1));
    expect(zero!.rdata).toEqual(new Uint8Array(16));
  });

  it('reads RFC 3597 generic RDATA, hex split by whitespace, for unknown and HTTPS types', () => {
    const [unknown, https, empty] = records('a TYPE65280 \\# 4 0a0B ( 0c\n 0d )\nb HTTPS \\# 3 000100\nc TYPE999 \\# 0');
    expect(unknown!.type).toBe(65280);
    expect(unknown!.rdata).toEqual(bytes(0x0a, 0x0b, 0x0c, 0x0d));
    expect(https!.type).toBe(65);
    expect(https!.rdata).toEqual(bytes(0, 1, 0));
    expect(empty!.rdata).toEqual(bytes());
    expect(only('b TYPE65 \\# 3 000100')).toEqual(https);
  });

  it('accepts generic syntax for known types, and TYPEnnn with the usual syntax', () => {
    const [generic, numbered] = records('a A \\# 4 C0A80101\nb TYPE1 192.168.1.1');
    expect(generic!.rdata).toEqual(bytes(192, 168, 1, 1));
    expect(numbered!.type).toBe(RRType.A);
    expect(numbered!.rdata).toEqual(bytes(192, 168, 1, 1));
  });

  it('rejects generic RDATA that does not fit a known type or its own length', () => {
    expect(errorsOf('a A \\# 3 c0a801')).toEqual([[1, 'the \\# data is not valid A RDATA']]);
    expect(errorsOf('a CNAME \\# 2 0361')).toEqual([[1, 'malformed name in record data']]);
    expect(errorsOf('a TYPE65 \\# 2 000100')).toEqual([[1, '\\# length 2 does not match the 3 bytes of data']]);
    expect(errorsOf('a TYPE65 \\# 2 0g01')).toEqual([[1, expect.stringMatching(/hexadecimal/)]]);
    expect(errorsOf('a HTTPS 1 . alpn=h2')).toEqual([[1, expect.stringMatching(/generic form/)]]);
    expect(errorsOf('a TYPE65 1 . alpn=h2')).toEqual([[1, expect.stringMatching(/generic form/)]]);
  });
});

describe('errors', () => {
  it('reports unknown types, bad addresses, bad TTLs and unsupported classes with their line', () => {
    expect(errorsOf('\n\nx FOO bar')).toEqual([[3, 'unsupported record type FOO']]);
    expect(errorsOf('x A 192.168.1.300')).toEqual([[1, 'bad IPv4 address "192.168.1.300"']]);
    expect(errorsOf('x AAAA fe80::1%eth0')).toEqual([[1, 'bad IPv6 address "fe80::1%eth0"']]);
    expect(errorsOf('x 99999999999 A 10.0.0.1')).toEqual([[1, expect.stringMatching(/^bad TTL "99999999999"/)]]);
    expect(errorsOf('$TTL forever')).toEqual([[1, expect.stringMatching(/^bad TTL "forever"/)]]);
    expect(errorsOf('x CH TXT "a"')).toEqual([[1, 'class CH is not supported (only IN)']]);
    expect(errorsOf('x HS A 10.0.0.1')).toEqual([[1, 'class HS is not supported (only IN)']]);
    expect(errorsOf('x MX 10')).toEqual([[1, 'MX needs 2 fields, got 1']]);
    expect(errorsOf('x A 10.0.0.1 10.0.0.2')).toEqual([[1, 'unexpected "10.0.0.2" after the A data']]);
    expect(errorsOf('x SRV 1 2 70000 t')).toEqual([[1, '"70000" is not a number from 0 to 65535']]);
    expect(errorsOf('x')).toEqual([[1, 'missing record type']]);
    expect(errorsOf('  A 10.0.0.1')).toEqual([[1, expect.stringMatching(/no record precedes it/)]]);
  });

  it('reports $INCLUDE and unknown directives instead of reading files', () => {
    expect(errorsOf('$TTL 1h\n$INCLUDE /etc/passwd')).toEqual([[2, '$INCLUDE is not supported']]);
    expect(errorsOf('$GENERATE 1-10 host$ A 10.0.0.$')).toEqual([[1, 'unknown directive $GENERATE']]);
  });

  it('reports an unterminated quote and keeps parsing on the next line', () => {
    const result = parse('a TXT "never closed\nb A 10.0.0.1');
    expect(result.errors).toEqual([{ file: 'home.lan.zone', line: 1, message: 'unterminated quoted string' }]);
    expect(result.records.map((r) => r.name)).toEqual(['b.home.lan']);
  });

  it('reports unbalanced parentheses at the line where the record starts', () => {
    expect(errorsOf('ok A 10.0.0.1\nsoa SOA ns1 host (\n  1 2 3 4 5 ) )\nnext A 10.0.0.2')).toEqual([
      [2, 'unbalanced parentheses: ")" without "("'],
    ]);
    expect(errorsOf('ok A 10.0.0.1\n\nsoa SOA ns1 host (\n  1 2 3\n  4 5')).toEqual([
      [3, 'unbalanced parentheses: "(" is never closed'],
    ]);
  });

  it('reports every error of a file, and keeps the good records', () => {
    const result = parse([
      '$TTL 1h', // 1
      'ok A 192.168.1.1', // 2
      'bad A 192.168.1.300', // 3
      'what FOO bar', // 4
      'txt TXT "never closed', // 5
      'soa SOA ns1 host (', // 6
      '    1 2 3 4 5 ) )', // 7
      't 99999999999 A 10.0.0.1', // 8
      '$INCLUDE other.zone', // 9
      'chaos CH TXT "x"', // 10
      'after A 10.0.0.1', // 11
    ].join('\n'));
    expect(result.errors.map((error) => error.line)).toEqual([3, 4, 5, 6, 8, 9, 10]);
    expect(result.errors.every((error) => error.file === 'home.lan.zone' && error.message.length > 0)).toBe(true);
    expect(result.records.map((r) => r.name)).toEqual(['ok.home.lan', 'after.home.lan']);
  });

  it('never throws on garbage, and every error points at a line of the input', () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = ['"', '(', ')', ';', '\\', '\\#', '\n', '\r\n', ' ', '\t', '@', '$ORIGIN', '$TTL', 'IN', 'CH', 'A', 'AAAA',
      'TXT', 'MX', 'SOA', 'CAA', 'SRV', 'TYPE65', 'HTTPS', '1h', '300', '99999999999', '10.0.0.1', '::1', 'x.', 'a..b',
      '\\999', '\\0', '\u0000', '\u00ff', '\ud83d\ude00', '\ud800', 'ff', '4', '00', '.'];
    for (let round = 0; round < 3000; round++) {
      let text = '';
      const length = random(40);
      for (let i = 0; i < length; i++) {
        text += random(4) === 0 ? String.fromCharCode(random(0x110)) : pieces[random(pieces.length)]!;
      }
      const lines = text.split('\n').length;
      const result = parse(text);
      for (const error of result.errors) {
        expect(error.line).toBeGreaterThanOrEqual(1);
        expect(error.line).toBeLessThanOrEqual(lines);
      }
    }
  });
});
