import { describe, expect, it } from 'vitest';
import { RRClass, RRType } from '../record.ts';
import { Zone } from './zone.ts';
import { parseZoneFile } from './zonefile.ts';

function zone(text: string): Zone | string[] {
  const parsed = parseZoneFile(`$TTL 60\n@ IN SOA ns admin ( 1 1h 15m 7d 30 )\n${text}`, { file: 'test.zone', origin: 'home.lan' });
  expect(parsed.errors).toEqual([]);
  return Zone.build('home.lan', parsed.records);
}

function built(text: string): Zone {
  const result = zone(text);
  if (!(result instanceof Zone)) throw new Error(result.join('; '));
  return result;
}

describe('a zone', () => {
  it('refuses a CNAME beside other data, a second SOA, and records outside it', () => {
    expect(zone('x CNAME nas\nx A 10.0.0.1\n')).toEqual(['x.home.lan has a CNAME and other records']);
    expect(zone('sub SOA ns admin 1 1 1 1 1\n')).toContainEqual(expect.stringMatching(/not the zone apex/));
    expect(Zone.build('home.lan', [{ ...built('').soa, name: 'nas.other' }])).toContainEqual('nas.other is outside the zone home.lan');
  });

  it('lets a CNAME keep its DNSSEC records beside it (RFC 4035 §2.5)', () => {
    expect(zone('x CNAME nas\nx RRSIG CNAME 13 3 60 20260101000000 20251201000000 1 home.lan. AQID\nx NSEC y A\n')).toBeInstanceOf(Zone);
  });

  it('refuses SOA or CNAME data written as \\# bytes that do not decode', () => {
    expect(zone('x CNAME \\# 1 05\n')).toEqual(['x.home.lan has a malformed name in its record data']);
  });

  it('gives the negative TTL as the lesser of the SOA TTL and its MINIMUM', () => {
    expect(built('').negativeSoa().ttl).toBe(30);
  });

  it('tells an empty non-terminal (NODATA) from a name that does not exist', () => {
    const z = built('a.b A 10.0.0.1\n');
    expect(z.lookup('b.home.lan', RRType.A).kind).toBe('nodata');
    expect(z.lookup('c.home.lan', RRType.A).kind).toBe('nxdomain');
  });

  it('stops a wildcard at an existing name, including an empty non-terminal', () => {
    const z = built('* A 10.0.0.9\na.b A 10.0.0.1\n');
    expect(z.lookup('x.home.lan', RRType.A)).toMatchObject({ kind: 'answer', records: [{ name: 'x.home.lan' }] });
    expect(z.lookup('x.y.home.lan', RRType.A).kind).toBe('answer');
    expect(z.lookup('x.b.home.lan', RRType.A).kind).toBe('nxdomain');
  });

  it('answers a wildcard CNAME with the query name as owner', () => {
    const z = built('*.dev CNAME nas\nnas A 10.0.0.1\n');
    expect(z.lookup('pc.dev.home.lan', RRType.A)).toMatchObject({ kind: 'cname', target: 'nas.home.lan', record: { name: 'pc.dev.home.lan' } });
  });

  it('refers below a delegation, but answers DS at the cut itself', () => {
    const z = built('lab NS ns.lab\nns.lab A 10.0.0.2\n');
    expect(z.lookup('x.lab.home.lan', RRType.A)).toMatchObject({ kind: 'referral', glue: [{ name: 'ns.lab.home.lan' }] });
    expect(z.lookup('lab.home.lan', RRType.DS).kind).toBe('nodata');
  });

  it('gives NODATA for a wildcard that exists only as an empty non-terminal (RFC 4592 §2.2.2)', () => {
    const z = built('*.*.*.w TXT "deep"\n');
    expect(z.lookup('x.w.home.lan', RRType.A).kind).toBe('nodata');
    expect(z.lookup('x.home.lan', RRType.A).kind).toBe('nxdomain');
    expect(z.lookup('a.*.w.home.lan', RRType.TXT).kind).toBe('nodata');
    expect(z.lookup('a.b.*.*.w.home.lan', RRType.TXT)).toMatchObject({ kind: 'answer', records: [{ name: 'a.b.*.*.w.home.lan' }] });
  });

  describe('a DNAME (RFC 6672)', () => {
    const z = built('old DNAME new.example.\nold A 10.0.0.1\nhidden.old A 10.0.0.2\n');

    it('answers at its owner as any data, and redirects the names below it with a CNAME of its TTL', () => {
      expect(z.lookup('old.home.lan', RRType.A).kind).toBe('answer');
      expect(z.lookup('old.home.lan', RRType.DNAME).kind).toBe('answer');
      const below = z.lookup('a.b.old.home.lan', RRType.A);
      expect(below).toMatchObject({ kind: 'dname', target: 'a.b.new.example', cname: { name: 'a.b.old.home.lan', type: RRType.CNAME, ttl: 60 } });
    });

    it('hides the data below it', () => {
      expect(z.lookup('hidden.old.home.lan', RRType.A)).toMatchObject({ kind: 'dname', target: 'hidden.new.example' });
    });

    it('at the apex redirects every name below it that no lower DNAME takes first', () => {
      const apex = built('@ DNAME apex.example.\nold DNAME new.example.\n');
      expect(apex.lookup('home.lan', RRType.SOA).kind).toBe('answer');
      expect(apex.lookup('nothing.home.lan', RRType.A)).toMatchObject({ kind: 'dname', target: 'nothing.apex.example' });
      expect(apex.lookup('x.old.home.lan', RRType.A)).toMatchObject({ kind: 'dname', target: 'x.old.apex.example' });
    });

    it('is YXDOMAIN when the name it makes is too long (RFC 6672 §2.2)', () => {
      const long = built(`d DNAME ${'x'.repeat(63)}.${'y'.repeat(63)}.${'z'.repeat(63)}.example.\n`);
      expect(long.lookup(`${'a'.repeat(63)}.${'b'.repeat(10)}.d.home.lan`, RRType.A).kind).toBe('yxdomain');
    });

    it('is one per owner, and never beside a CNAME', () => {
      expect(zone('x DNAME a.example.\nx DNAME b.example.\n')).toEqual(['x.home.lan has more than one DNAME']);
      expect(zone('x DNAME a.example.\nx CNAME b.example.\n')).toEqual(['x.home.lan has a CNAME and other records']);
    });
  });

  describe('its next version (withNodes)', () => {
    const a = (name: string, last: number) => ({ name, type: RRType.A, class: RRClass.IN, ttl: 60, rdata: Uint8Array.of(10, 0, 0, last) });

    it('adds a name with the empty non-terminals above it, and leaves the old version as it was', () => {
      const before = built('');
      const after = before.withNodes(new Map([['a.b.home.lan', new Map([[RRType.A, [a('a.b.home.lan', 1)]]])]]));
      if (!(after instanceof Zone)) throw new Error(after.join('; '));
      expect(after.lookup('a.b.home.lan', RRType.A).kind).toBe('answer');
      expect(after.lookup('b.home.lan', RRType.A).kind).toBe('nodata');
      expect(before.lookup('b.home.lan', RRType.A).kind).toBe('nxdomain');
    });

    it('removes a name, and the empty non-terminals only it held up', () => {
      const after = built('a.b A 10.0.0.1\nc.d A 10.0.0.2\nd A 10.0.0.3\n').withNodes(new Map([['a.b.home.lan', new Map()], ['c.d.home.lan', new Map()]]));
      if (!(after instanceof Zone)) throw new Error(after.join('; '));
      expect(after.lookup('a.b.home.lan', RRType.A).kind).toBe('nxdomain');
      expect(after.lookup('b.home.lan', RRType.A).kind).toBe('nxdomain');
      expect(after.lookup('d.home.lan', RRType.A).kind).toBe('answer');
    });

    it('refuses a changed node that breaks the rules a whole zone is held to', () => {
      const cname = { name: 'x.home.lan', type: RRType.CNAME, class: RRClass.IN, ttl: 60, rdata: Uint8Array.of(3, 110, 97, 115, 0) };
      expect(built('').withNodes(new Map([['x.home.lan', new Map([[RRType.CNAME, [cname]], [RRType.A, [a('x.home.lan', 1)]]])]])))
        .toEqual(['x.home.lan has a CNAME and other records']);
      expect(built('').withNodes(new Map([['home.lan', new Map()]]))).toEqual(['the zone home.lan needs exactly one SOA record at its apex']);
    });
  });
});
