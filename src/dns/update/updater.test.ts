import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../observe/log.ts';
import { Rcode } from '../message.ts';
import { RRClass, RRType, type ResourceRecord } from '../record.ts';
import { Zone } from '../zones/zone.ts';
import { parseZoneFile } from '../zones/zonefile.ts';
import { ZoneSet } from '../zones/zoneset.ts';
import { ZoneJournal } from './journal.ts';
import { serialOf } from './serial.ts';
import { ZoneUpdater, type ZoneUpdate } from './updater.ts';

const BASE = `$TTL 300
@ IN SOA ns hostmaster ( 10 1h 15m 7d 60 )
@ NS ns
ns A 192.168.1.53
nas A 192.168.1.10
www CNAME nas
printer A 192.168.1.20
printer TXT "hp"
`;

function records(text: string): ResourceRecord[] {
  // Absolute names under the root origin, so out-of-zone entries are kept for the update to refuse.
  const parsed = parseZoneFile(`$TTL 300\n${text}`, { file: 'update', origin: '' });
  expect(parsed.errors).toEqual([]);
  return parsed.records;
}

/** A class ANY or NONE entry: TTL 0 and, for ANY, no RDATA (RFC 2136 §2.5.2–2.5.4). */
function entry(name: string, type: number, klass: number, rdata: Uint8Array = new Uint8Array(0)): ResourceRecord {
  return { name, type, class: klass, ttl: 0, rdata };
}

function setup(dataDir = mkdtempSync(join(tmpdir(), 'hearth-update-'))) {
  const journal = new ZoneJournal(dataDir);
  const parsed = parseZoneFile(BASE, { file: 'home.lan.zone', origin: 'home.lan' });
  const base = Zone.build('home.lan', parsed.records) as Zone;
  const zones = new ZoneSet('zones');
  const replayed = journal.replay('zones', base);
  zones.load([replayed instanceof Zone ? replayed : base]);
  const updater = new ZoneUpdater(journal, createLogger('silent'));
  const apply = (update: Partial<ZoneUpdate>) => updater.apply(zones, zones.get('home.lan')!, { prerequisites: [], updates: [], ...update });
  const lookup = (name: string, type: number) => zones.get('home.lan')!.lookup(name, type);
  return { dataDir, journal, zones, apply, lookup, serial: () => serialOf(zones.get('home.lan')!.soa) };
}

describe('RFC 2136 updates to a local zone', () => {
  it('adds a record, bumps the serial, and serves it at once', () => {
    const z = setup();
    expect(z.apply({ updates: records('laptop.home.lan. A 192.168.1.50') }).rcode).toBe(Rcode.NOERROR);
    expect(z.lookup('laptop.home.lan', RRType.A)).toMatchObject({ kind: 'answer', records: [{ ttl: 300 }] });
    expect(z.serial()).toBe(11);
  });

  it('replaces an RRset by deleting it and adding in one update', () => {
    const z = setup();
    z.apply({ updates: [entry('nas.home.lan', RRType.A, RRClass.ANY), ...records('nas.home.lan. 60 A 192.168.1.11')] });
    const answer = z.lookup('nas.home.lan', RRType.A);
    expect(answer.kind === 'answer' && answer.records.map((r) => [...r.rdata].join('.'))).toEqual(['192.168.1.11']);
  });

  it('deletes one record, an RRset, and a whole name', () => {
    const z = setup();
    z.apply({ updates: [entry('printer.home.lan', RRType.TXT, RRClass.NONE, records('printer.home.lan. TXT "hp"')[0]!.rdata)] });
    expect(z.lookup('printer.home.lan', RRType.TXT).kind).toBe('nodata');
    z.apply({ updates: [entry('printer.home.lan', RRType.ANY, RRClass.ANY)] });
    expect(z.lookup('printer.home.lan', RRType.A).kind).toBe('nxdomain');
  });

  it('answers each failed prerequisite with the RFC 2136 §3.2 rcode and changes nothing', () => {
    const z = setup();
    const add = records('new.home.lan. A 192.168.1.99');
    const cases: [ResourceRecord, number][] = [
      [entry('ghost.home.lan', RRType.ANY, RRClass.ANY), Rcode.NXDOMAIN],
      [entry('nas.home.lan', RRType.AAAA, RRClass.ANY), Rcode.NXRRSET],
      [entry('nas.home.lan', RRType.ANY, RRClass.NONE), Rcode.YXDOMAIN],
      [entry('nas.home.lan', RRType.A, RRClass.NONE), Rcode.YXRRSET],
      [{ ...records('nas.home.lan. A 192.168.1.99')[0]!, ttl: 0 }, Rcode.NXRRSET],
      [{ ...entry('nas.home.lan', RRType.A, RRClass.ANY), ttl: 5 }, Rcode.FORMERR],
      [entry('nas.example.com', RRType.A, RRClass.ANY), Rcode.NOTZONE],
    ];
    for (const [prerequisite, rcode] of cases) {
      expect(z.apply({ prerequisites: [prerequisite], updates: add }).rcode).toBe(rcode);
    }
    expect(z.lookup('new.home.lan', RRType.A).kind).toBe('nxdomain');
    expect(z.serial()).toBe(10);
  });

  it('accepts a value-dependent prerequisite that matches the whole RRset', () => {
    const z = setup();
    const prerequisite = { ...records('nas.home.lan. A 192.168.1.10')[0]!, ttl: 0 };
    expect(z.apply({ prerequisites: [prerequisite], updates: records('nas.home.lan. TXT "mine"') }).rcode).toBe(Rcode.NOERROR);
  });

  it('refuses the whole update when one entry is outside the zone or malformed', () => {
    const z = setup();
    const good = records('ok.home.lan. A 192.168.1.60');
    expect(z.apply({ updates: [...good, ...records('x.example.com. A 1.2.3.4')] }).rcode).toBe(Rcode.NOTZONE);
    expect(z.apply({ updates: [...good, { ...good[0]!, rdata: Uint8Array.of(1, 2, 3) }] }).rcode).toBe(Rcode.FORMERR);
    expect(z.apply({ updates: [...good, { ...entry('ok.home.lan', RRType.A, RRClass.ANY), ttl: 60 }] }).rcode).toBe(Rcode.FORMERR);
    expect(z.lookup('ok.home.lan', RRType.A).kind).toBe('nxdomain');
  });

  it('is NOTZONE for a name in a child zone hearth also serves, where no query would find it', () => {
    const z = setup();
    const child = parseZoneFile('$TTL 300\n@ SOA ns hostmaster 1 1h 15m 7d 60\n@ NS ns\nns A 192.168.1.54\n', {
      file: 'lab.home.lan.zone',
      origin: 'lab.home.lan',
    });
    z.zones.load([z.zones.get('home.lan')!, Zone.build('lab.home.lan', child.records) as Zone]);
    expect(z.apply({ updates: records('pc.lab.home.lan. A 192.168.1.77') }).rcode).toBe(Rcode.NOTZONE);
    expect(z.apply({ prerequisites: [entry('pc.lab.home.lan', RRType.ANY, RRClass.NONE)] }).rcode).toBe(Rcode.NOTZONE);
  });

  it('takes a DNAME (RFC 6672): names below it are redirected, a second one replaces it, a CNAME beside it is ignored', () => {
    const z = setup();
    expect(z.apply({ updates: records('old.home.lan. DNAME new.home.lan.\nnew.home.lan. DNAME newer.home.lan.') }).rcode).toBe(Rcode.NOERROR);
    expect(z.lookup('pc.old.home.lan', RRType.A)).toMatchObject({ kind: 'dname', target: 'pc.new.home.lan' });
    z.apply({ updates: records('old.home.lan. DNAME other.home.lan.\nold.home.lan. CNAME nas.home.lan.') });
    expect(z.lookup('old.home.lan', RRType.DNAME)).toMatchObject({ kind: 'answer', records: [{ ttl: 300 }] });
    expect(z.lookup('pc.old.home.lan', RRType.A)).toMatchObject({ kind: 'dname', target: 'pc.other.home.lan' });
    // A name below a DNAME can be written; it is occluded, as in BIND, until the DNAME goes.
    z.apply({ updates: records('pc.old.home.lan. A 192.168.1.40') });
    expect(z.lookup('pc.old.home.lan', RRType.A).kind).toBe('dname');
    z.apply({ updates: [entry('old.home.lan', RRType.DNAME, RRClass.ANY)] });
    expect(z.lookup('pc.old.home.lan', RRType.A).kind).toBe('answer');
  });

  it('keeps the apex SOA and NS, and never puts data beside a CNAME', () => {
    const z = setup();
    z.apply({ updates: [entry('home.lan', RRType.ANY, RRClass.ANY), entry('home.lan', RRType.NS, RRClass.ANY)] });
    expect(z.lookup('home.lan', RRType.SOA).kind).toBe('answer');
    expect(z.lookup('home.lan', RRType.NS).kind).toBe('answer');
    z.apply({ updates: records('www.home.lan. A 192.168.1.70') });
    expect(z.lookup('www.home.lan', RRType.A).kind).toBe('cname');
  });

  it('leaves the serial alone when an update changes nothing', () => {
    const z = setup();
    expect(z.apply({ updates: records('nas.home.lan. A 192.168.1.10') })).toMatchObject({ rcode: Rcode.NOERROR, changed: false });
    expect(z.serial()).toBe(10);
  });

  it('replays accepted updates over the zone file after a restart', () => {
    const first = setup();
    first.apply({ updates: records('laptop.home.lan. A 192.168.1.50') });
    first.apply({ updates: [entry('printer.home.lan', RRType.ANY, RRClass.ANY)] });
    first.journal.close();
    const again = setup(first.dataDir);
    expect(again.lookup('laptop.home.lan', RRType.A).kind).toBe('answer');
    expect(again.lookup('printer.home.lan', RRType.A).kind).toBe('nxdomain');
    expect(again.serial()).toBe(12);
  });
});
