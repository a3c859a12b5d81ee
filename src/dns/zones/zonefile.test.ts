import { describe, expect, it } from 'vitest';
import { nameToWire } from '../name.ts';
import { RRType } from '../record.ts';
import { parseZoneFile } from './zonefile.ts';

function parse(text: string, origin = 'home.lan') {
  return parseZoneFile(text, { file: 'home.lan.zone', origin });
}

/** Parses text expected to be error-free and returns its records. */
function records(text: string, origin = 'home.lan') {
  const parsed = parse(text, origin);
  expect(parsed.errors).toEqual([]);
  return parsed.records;
}

/** Wire bytes written by hand: numbers are bytes, strings their ASCII codes. */
function bytes(...parts: Array<number | string>): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => (typeof part === 'number' ? [part] : [...part].map((c) => c.charCodeAt(0)))));
}

function errorsOf(text: string) {
  return parse(text).errors.map(({ line, message }) => ({ line, message }));
}

const HOME_LAN = `; home.lan, the zone of the house
$TTL 1h
@   IN  SOA ns1 hostmaster (   ; primary server, contact
        2024060101  ; serial
        2h          ; refresh
        15m         ; retry
        14d         ; expire
        300 )       ; negative caching TTL

        IN  NS   ns1
ns1         IN  A    192.168.1.2
nas     300 IN  A    192.168.1.10
            IN  AAAA fd00::10
www         CNAME    nas
@           MX  10   mail.example.com.
_ipp._tcp   SRV 0 5 631 printer
@           CAA 0 issue "letsencrypt.org"
`;

describe('a realistic home zone', () => {
  const zone = records(HOME_LAN);

  it('reads every record with its owner, type and TTL', () => {
    expect(zone.map((r) => [r.name, r.type, r.ttl, r.class])).toEqual([
      ['home.lan', RRType.SOA, 3600, 1],
      ['home.lan', RRType.NS, 3600, 1],
      ['ns1.home.lan', RRType.A, 3600, 1],
      ['nas.home.lan', RRType.A, 300, 1],
      ['nas.home.lan', RRType.AAAA, 3600, 1],
      ['www.home.lan', RRType.CNAME, 3600, 1],
      ['home.lan', RRType.MX, 3600, 1],
      ['_ipp._tcp.home.lan', RRType.SRV, 3600, 1],
      ['home.lan', RRType.CAA, 3600, 1],
    ]);
  });

  it('encodes the SOA spread over lines, with durations for the timers', () => {
    expect(zone[0]!.rdata).toEqual(bytes(
      3, 'ns1', 4, 'home', 3, 'lan', 0,
      10, 'hostmaster', 4, 'home', 3, 'lan', 0,
      0x78, 0xa4, 0xb4, 0xc5, // 2024060101
      0, 0, 0x1c, 0x20, // 2h = 7200
      0, 0, 0x03, 0x84, // 15m = 900
      0, 0x12, 0x75, 0x00, // 14d = 1209600
      0, 0, 0x01, 0x2c, // 300
    ));
  });

  it('encodes A, AAAA, CNAME, MX, SRV and CAA data', () => {
    expect(zone[3]!.rdata).toEqual(bytes(192, 168, 1, 10));
    expect(zone[4]!.rdata).toEqual(bytes(0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10));
    expect(zone[5]!.rdata).toEqual(bytes(3, 'nas', 4, 'home', 3, 'lan', 0));
    expect(zone[6]!.rdata).toEqual(bytes(0, 10, 4, 'mail', 7, 'example', 3, 'com', 0));
    expect(zone[7]!.rdata).toEqual(bytes(0, 0, 0, 5, 0x02, 0x77, 7, 'printer', 4, 'home', 3, 'lan', 0));
    expect(zone[8]!.rdata).toEqual(bytes(0, 5, 'issue', 'letsencrypt.org'));
  });
});

describe('names', () => {
  it('resolves @, relative and absolute names against the origin', () => {
    const [at, relative, absolute] = records('@ A 10.0.0.1\nhost A 10.0.0.2\nhost.home.lan. A 10.0.0.3\n');
    expect([at!.name, relative!.name, absolute!.name]).toEqual(['home.lan', 'host.home.lan', 'host.home.lan']);
  });

  it('leaves out a record outside the zone with a warning, as BIND does, and reads on', () => {
    const parsed = parse('host.example.org. A 10.0.0.3\nnas A 10.0.0.4\n');
    expect(parsed.errors).toEqual([]);
    expect(parsed.warnings).toEqual([{ file: 'home.lan.zone', line: 1, message: 'ignoring out-of-zone data (host.example.org)' }]);
    expect(parsed.records.map((r) => r.name)).toEqual(['nas.home.lan']);
  });

  it('switches origin with $ORIGIN, relative to the current one when not absolute', () => {
    const names = records('$ORIGIN iot.home.lan.\nbulb A 10.0.0.1\n$ORIGIN cams\ndoor A 10.0.0.2\n@ A 10.0.0.3\n').map((r) => r.name);
    expect(names).toEqual(['bulb.iot.home.lan', 'door.cams.iot.home.lan', 'cams.iot.home.lan']);
  });

  it('resolves names inside record data against the current origin', () => {
    const [cname] = records('$ORIGIN iot.home.lan.\nalias CNAME bulb\n');
    expect(cname!.rdata).toEqual(nameToWire('bulb.iot.home.lan'));
  });

  it('gives a line starting with a blank the previous owner', () => {
    const names = records('printer A 10.0.0.5\n  AAAA fd00::5\n\tTXT "colour"\nnas A 10.0.0.6\n TXT hi\n').map((r) => r.name);
    expect(names).toEqual(['printer.home.lan', 'printer.home.lan', 'printer.home.lan', 'nas.home.lan', 'nas.home.lan']);
  });

  it('lowercases names', () => {
    expect(records('NAS.Home.LAN. A 10.0.0.1')[0]!.name).toBe('nas.home.lan');
  });
});

describe('TTL and class', () => {
  it('accepts TTL and class in either order; an omitted TTL is the last one written (RFC 1035 §5.1)', () => {
    const ttls = records('a 60 IN A 10.0.0.1\nb IN 1m30s A 10.0.0.2\nc IN A 10.0.0.3\n').map((r) => r.ttl);
    expect(ttls).toEqual([60, 90, 90]);
  });

  it('uses $TTL, else the last TTL or the first SOA minimum, else one hour', () => {
    expect(records('a A 10.0.0.1\n')[0]!.ttl).toBe(3600);
    const withSoa = records('@ SOA ns1 hostmaster 1 2h 15m 14d 5m\na A 10.0.0.1\n$TTL 1d\nb A 10.0.0.2\n');
    expect(withSoa.map((r) => r.ttl)).toEqual([300, 300, 86400]);
    expect(records('$TTL 1h\n@ 60 SOA ns1 hostmaster 1 2h 15m 14d 5m\na A 10.0.0.1\n').map((r) => r.ttl)).toEqual([60, 3600]);
    // BIND's masterfile/ttl1 test: the MINIMUM of a first SOA without TTL stands as $TTL would.
    const bind = records('@ SOA ns hostmaster 1 3600 1800 1814400 3\na TXT x\nb 2 TXT x\nc TXT x\n$TTL 1\nd TXT x\n');
    expect(bind.map((r) => r.ttl)).toEqual([3, 3, 2, 3, 1]);
    expect(records('@ 60 SOA ns hostmaster 1 3600 1800 1814400 3\na TXT x\n').map((r) => r.ttl)).toEqual([60, 60]);
  });

  it('reads CRLF line ends like LF', () => {
    expect(records('a 60 A 10.0.0.1\r\n  TXT "x"\r\n').map((r) => [r.name, r.ttl])).toEqual([['a.home.lan', 60], ['a.home.lan', 60]]);
  });
});

describe('TXT', () => {
  it('takes several strings, quoted or not, with spaces, escaped quotes and \\DDD', () => {
    const [txt] = records('@ TXT "v=spf1 -all" plain "say \\"hi\\"" "a\\\\b" "\\065;" ; comment\n');
    expect(txt!.rdata).toEqual(bytes(11, 'v=spf1 -all', 5, 'plain', 8, 'say "hi"', 3, 'a\\b', 2, 'A;'));
  });

  it('encodes an empty string and UTF-8 text', () => {
    expect(records('@ TXT "" "é"')[0]!.rdata).toEqual(bytes(0, 2, 0xc3, 0xa9));
  });

  it('rejects a string longer than 255 bytes', () => {
    const [error] = errorsOf(`@ TXT "${'x'.repeat(256)}"`);
    expect(error!.message).toMatch(/longer than 255 bytes/);
    expect(records(`@ TXT "${'x'.repeat(255)}"`)[0]!.rdata.length).toBe(256);
  });
});

describe('RFC 3597 generic records', () => {
  it('reads \\# data split by blanks, checking the bytes', () => {
    const [record] = records('thing TYPE65534 \\# 4 0a00 00 01\n');
    expect(record).toMatchObject({ name: 'thing.home.lan', type: 65534 });
    expect(record!.rdata).toEqual(bytes(10, 0, 0, 1));
  });

  it('accepts \\# for known types, TYPEnnn names, and empty data', () => {
    const [a, https, empty] = records('a A \\# 4 C0A80101\nsvc TYPE65 \\# 3 000100\nnull TYPE10 \\# 0\n');
    expect(a!.rdata).toEqual(bytes(192, 168, 1, 1));
    expect(https).toMatchObject({ type: RRType.HTTPS, rdata: bytes(0, 1, 0) });
    expect(empty).toMatchObject({ type: 10, rdata: new Uint8Array(0) });
    expect(records('svc HTTPS \\# 3 000100')[0]!.type).toBe(RRType.HTTPS);
  });

  it('rejects a length that does not match, bad hex, and a type without a text form written as text', () => {
    expect(errorsOf('a TYPE99 \\# 3 0a00\nb TYPE99 \\# 1 zz\nd TYPE999 hello\ne NULL \\# x\n')).toEqual([
      { line: 1, message: '\\# length 3 does not match the 2 byte(s) of hex given' },
      { line: 2, message: 'bad hex after \\#: "zz"' },
      { line: 3, message: 'TYPE999 has no presentation format here; use \\# generic syntax' },
      { line: 4, message: '\\# needs a decimal length, got "x"' },
    ]);
  });

  it('reads TXT \\# followed by text as strings, as BIND does', () => {
    expect(records('a TXT \\# text\n')[0]!.rdata).toEqual(bytes(1, '#', 4, 'text'));
  });
});

describe('errors', () => {
  it('names an unknown type', () => {
    expect(errorsOf('ok A 10.0.0.1\nx LOCATION 52 22 23.000 N\n')).toEqual([{ line: 2, message: 'unknown record type "LOCATION"' }]);
  });

  it('names a bad IPv4 or IPv6 address', () => {
    expect(errorsOf('nas A 192.168.1.300\nnas AAAA fd00::g\n')).toEqual([
      { line: 1, message: 'not an IPv4 address: "192.168.1.300"' },
      { line: 2, message: 'not an IPv6 address: "fd00::g"' },
    ]);
  });

  it('reports an unterminated quote on its line and goes on', () => {
    const parsed = parse('a TXT "never closed\nb A 10.0.0.2\n');
    expect(parsed.errors).toEqual([{ file: 'home.lan.zone', line: 1, message: 'unterminated quoted string: "\\"never closed"' }]);
    expect(parsed.records.map((r) => r.name)).toEqual(['b.home.lan']);
  });

  it('reports unbalanced parentheses at the line where the record starts', () => {
    expect(errorsOf('a A 10.0.0.1 )\nb A 10.0.0.2\n\n@ SOA ns1 hostmaster ( 1\n 2 3 4 5\n')).toEqual([
      { line: 1, message: 'unbalanced parenthesis: ")" without "("' },
      { line: 4, message: 'unbalanced parenthesis: "(" is never closed' },
    ]);
  });

  it('reports a bad TTL, in a record or in $TTL', () => {
    expect(errorsOf('$TTL forever\na 2147483648 A 10.0.0.1\nb 1x A 10.0.0.2\n').map((e) => e.line)).toEqual([1, 2, 3]);
    expect(errorsOf('a 1x A 10.0.0.2')[0]!.message).toBe('bad TTL "1x" (expected 0..2147483647 seconds or a duration like 1h, 7d)');
  });

  it('refuses other classes, $INCLUDE where no file can be read, and a first record without owner', () => {
    expect(errorsOf('  A 10.0.0.1\na CH TXT "x"\n$INCLUDE other.zone\n$INCLUDES x\n')).toEqual([
      { line: 1, message: 'no owner name: the first record must start in the first column' },
      { line: 2, message: 'class "CH" is not supported (only IN)' },
      { line: 3, message: '$INCLUDE is not allowed here' },
      { line: 4, message: 'unknown directive "$INCLUDES"' },
    ]);
  });

  it('checks field counts and numbers', () => {
    expect(errorsOf('@ MX mail\n@ SRV 0 5 70000 printer\n@ CAA 0 is-sue "x"\n')).toEqual([
      { line: 1, message: 'bad preference "mail" (expected 0..65535)' },
      { line: 2, message: 'bad port "70000" (expected 0..65535)' },
      { line: 3, message: 'bad CAA tag "is-sue" (letters and digits only)' },
    ]);
  });

  it('reports every error in a file, each at its own line', () => {
    const text = [
      '$TTL 1h',
      'good A 10.0.0.1',
      'bad1 A 10.0.0.256',
      '@ SOA ns1 hostmaster (',
      '   1 2h 15m 14d',
      '   bogus )',
      'bad2 WKS 10.0.0.1 6 25',
      'bad..name A 10.0.0.3',
      'also-good TXT "fine"',
    ].join('\n');
    const parsed = parse(text);
    expect(parsed.errors.map((e) => e.line)).toEqual([3, 4, 7, 8]);
    expect(parsed.errors[1]!.message).toBe('bad minimum "bogus" (expected 0..4294967295 or a duration like 1h)');
    expect(parsed.errors[3]!.message).toContain('bad..name');
    expect(parsed.records.map((r) => r.name)).toEqual(['good.home.lan', 'also-good.home.lan']);
  });

  it('never throws on garbage', () => {
    let seed = 42;
    const random = (): number => { // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const alphabet = [...'();"\\ \t\n\r$@.#0123456789abcdefINATXTSOAMXRVCY:-', 'TYPE', 'TXT', 'SOA', '\\#', '\0', '\u00ff', '\ud83d'];
    for (let n = 0; n < 500; n++) {
      let text = '';
      const length = Math.floor(random() * 80);
      for (let k = 0; k < length; k++) {
        text += random() < 0.1 ? String.fromCharCode(Math.floor(random() * 0x10000)) : alphabet[Math.floor(random() * alphabet.length)]!;
      }
      const parsed = parse(text);
      for (const error of parsed.errors) expect(error.line).toBeGreaterThanOrEqual(1);
    }
  });
});
