import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rdataToText } from './rdata-text.ts';
import { parseZoneFile } from './zonefile.ts';

/** Zone files by path, relative to /zones, read as load.ts reads them from disk. */
function read(files: Record<string, string>, main = 'home.lan.zone') {
  const byPath = new Map(Object.entries(files).map(([path, text]) => [resolve('/zones', path), text]));
  const readFile = (path: string): string => {
    const text = byPath.get(path);
    if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
    return text;
  };
  return parseZoneFile(byPath.get(resolve('/zones', main))!, { file: resolve('/zones', main), origin: 'home.lan', readFile });
}

const lines = (parsed: ReturnType<typeof read>) => parsed.records.map((r) => `${r.name} ${r.ttl} ${rdataToText(r.type, r.rdata)}`);

describe('$INCLUDE (RFC 1035 §5.1)', () => {
  it('reads a file relative to the including one, under the origin it names, and carries $TTL out but not $ORIGIN', () => {
    const parsed = read({
      'home.lan.zone': '$TTL 60\nnas A 10.0.0.1\n$INCLUDE lan/iot.inc iot\n  TXT "nas again"\n$INCLUDE lan/ttl.inc\nafter A 10.0.0.9\n',
      'lan/iot.inc': '  TXT "owner carried in"\n@ A 10.0.0.2\nbulb A 10.0.0.3\n$INCLUDE deeper.inc\n',
      'lan/deeper.inc': 'cam A 10.0.0.4\n',
      'lan/ttl.inc': '$TTL 120\n$ORIGIN elsewhere.home.lan.\nx A 10.0.0.5\n',
    });
    expect(parsed.errors).toEqual([]);
    expect(lines(parsed)).toEqual([
      'nas.home.lan 60 10.0.0.1', 'nas.home.lan 60 "owner carried in"', 'iot.home.lan 60 10.0.0.2', 'bulb.iot.home.lan 60 10.0.0.3',
      'cam.iot.home.lan 60 10.0.0.4', 'nas.home.lan 60 "nas again"', 'x.elsewhere.home.lan 120 10.0.0.5', 'after.home.lan 120 10.0.0.9',
    ]);
  });

  it('reports errors inside an included file with its own path and line', () => {
    const parsed = read({ 'home.lan.zone': 'a A 10.0.0.1\n$INCLUDE bad.inc\n', 'bad.inc': '; comment\nb A 10.0.0.300\n' });
    expect(parsed.errors).toEqual([{ file: '/zones/bad.inc', line: 2, message: 'not an IPv4 address: "10.0.0.300"' }]);
  });

  it('refuses a loop, a missing file and extra arguments, at the $INCLUDE line', () => {
    const parsed = read({
      'home.lan.zone': '$INCLUDE a.inc\n$INCLUDE missing.inc\n$INCLUDE a.inc x y\n',
      'a.inc': 'a A 10.0.0.1\n$INCLUDE b.inc\n', 'b.inc': '$INCLUDE a.inc\n',
    });
    expect(parsed.errors.map((e) => `${e.file}:${e.line}: ${e.message}`)).toEqual([
      '/zones/b.inc:1: $INCLUDE loop: "a.inc" is already being read',
      "/zones/home.lan.zone:2: cannot read $INCLUDE file \"missing.inc\": ENOENT: no such file, open '/zones/missing.inc'",
      '/zones/home.lan.zone:3: $INCLUDE takes a file name and an optional origin',
    ]);
    expect(parsed.records.map((r) => r.name)).toEqual(['a.home.lan']);
  });
});

describe('$GENERATE (BIND)', () => {
  it('writes one record per number, with the number in owner and data', () => {
    const parsed = read({ 'home.lan.zone': '$TTL 60\n$GENERATE 1-3 host-$ A 10.0.0.$\n$GENERATE 1-254/100 $ PTR host-$.home.lan.\n' });
    expect(lines(parsed)).toEqual([
      'host-1.home.lan 60 10.0.0.1', 'host-2.home.lan 60 10.0.0.2', 'host-3.home.lan 60 10.0.0.3',
      '1.home.lan 60 host-1.home.lan.', '101.home.lan 60 host-101.home.lan.', '201.home.lan 60 host-201.home.lan.',
    ]);
  });

  it('shapes the number with ${offset,width,base}, nibbles counting the dots of their width, as named-checkzone does', () => {
    const parsed = read({ 'home.lan.zone': [
      '$GENERATE 10-10 ${0,3,d}.a 60 IN CNAME ${-5,4,x}.b',
      '$GENERATE 10-10 ${0,4,n}nib TXT "${0,5,N} ${8,0,o}"',
      '$GENERATE 26-26 ${0,0,n}.z MX "10 mail$"',
      '$GENERATE 1-1 d$$x\\$ TXT $',
      '$GENERATE 1024-1024 ${-2000,0,n} TXT ${-2000,5} ${-2000,0,x}',
    ].join('\n') });
    expect(parsed.errors).toEqual([]);
    expect(lines(parsed)).toEqual([
      '010.a.home.lan 60 0005.b.home.lan.', 'a.0.nib.home.lan 60 "A.0.0" "22"', 'a.1.z.home.lan 60 10 mail26.home.lan.', 'd\\036x\\036.home.lan 60 "1"',
      // Negative values, as BIND writes them: signed in decimal, 32-bit two's complement otherwise.
      '0.3.c.f.f.f.f.f.home.lan 60 "-0976" "fffffc30"',
    ]);
  });

  it('reports a bad range, modifier or record at the $GENERATE line, and refuses ranges past 65,536 records', () => {
    const parsed = read({ 'home.lan.zone': [
      '$GENERATE 5-1 x$ A 10.0.0.$', '$GENERATE 1-9 x${1,2,q} A 10.0.0.1', '$GENERATE 250-260 x$ A 10.0.0.$',
      '$GENERATE 0-70000 x$ TXT x', '$GENERATE 1-2 x$',
    ].join('\n') });
    expect(parsed.errors.map((e) => `${e.line}: ${e.message}`)).toEqual([
      '1: bad $GENERATE range "5-1"', '2: bad $GENERATE modifier ${1,2,q} (expected ${offset,width,base})', '3: not an IPv4 address: "10.0.0.256"',
      '4: $GENERATE range "0-70000" makes more than 65536 records', '5: $GENERATE needs a record type after the owner',
    ]);
    // The records before the bad number are kept, as named keeps them.
    expect(parsed.records.map((r) => r.name)).toEqual(['x250.home.lan', 'x251.home.lan', 'x252.home.lan', 'x253.home.lan', 'x254.home.lan', 'x255.home.lan']);
  });
});
