// The zone routes over a real hearth's zones: a resolver built from zone
// files in a temp zones_dir, with a journal, a ZoneUpdater and LocalZones,
// behind the admin API's HTTP harness.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir.ts';
import { configSchema } from '../config/schema.ts';
import { buildResolver, resolverDeps } from '../dns/resolver.ts';
import { LocalZones } from '../dns/update/local-zones.ts';
import { ZoneJournal } from '../dns/update/journal.ts';
import { ZoneUpdater } from '../dns/update/updater.ts';
import { createLogger } from '../observe/log.ts';
import { start, type Harness } from '../../test/support/api-harness.ts';

const HOME_LAN = `$TTL 300
@        IN SOA ns hostmaster ( 10 1h 15m 7d 60 )
         IN NS  ns
         IN MX  10 mail
ns       IN A   192.168.1.53
mail     IN A   192.168.1.10
nas  600 IN A   192.168.1.10
         IN AAAA fd00::10
www      IN CNAME nas
`;

const GUEST_LAN = `$TTL 60
@        IN SOA ns hostmaster ( 1 1h 15m 7d 60 )
         IN NS  ns
ns       IN A   192.168.50.1
`;

const log = createLogger('silent');

/** LocalZones as hearth builds it, over `dir` (zone files in lan/ and guest/, the journal in data/). */
function localZones(dir: string): { zones: LocalZones; journal: ZoneJournal } {
  const config = configSchema.parse({
    dns: { zones_dir: join(dir, 'lan'), views: [{ name: 'guests', clients: ['192.168.50.0/24'], zones_dir: join(dir, 'guest') }] },
  });
  const journal = new ZoneJournal(join(dir, 'data'));
  const built = buildResolver(config.dns, resolverDeps(log, join(dir, 'data'), journal));
  return { zones: new LocalZones(new ZoneUpdater(journal, log), () => built.resolver), journal };
}

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

async function api(): Promise<{ h: Harness; dir: string; journal: ZoneJournal }> {
  const dir = tempDir();
  for (const [sub, file, text] of [
    ['lan', 'home.lan.zone', HOME_LAN],
    ['guest', 'guest.lan.zone', GUEST_LAN],
  ] as const) {
    mkdirSync(join(dir, sub));
    writeFileSync(join(dir, sub, file), text);
  }
  const { zones, journal } = localZones(dir);
  const h = await start('', { zones });
  open.push(h);
  return { h, dir, journal };
}

const RECORDS = '/zones/home.lan/records';

describe('GET /zones', () => {
  it("lists a view's zones with their serial and size", async () => {
    const { h } = await api();
    expect((await h.call('GET', '/zones')).body).toEqual({ zones: [{ origin: 'home.lan', serial: 10, records: 8 }] });
    expect((await h.call('GET', '/zones?view=guests')).body).toEqual({ zones: [{ origin: 'guest.lan', serial: 1, records: 3 }] });
    const unknown = await h.call('GET', '/zones?view=nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('nope');
  });
});

describe('GET /zones/:zone/records', () => {
  it('shows every record as a zone file would, parents first', async () => {
    const { h } = await api();
    const reply = await h.call('GET', RECORDS);
    expect(reply.status).toBe(200);
    expect(reply.body.zone).toBe('home.lan');
    expect(reply.body.serial).toBe(10);
    expect(reply.body.records).toEqual([
      { name: 'home.lan', type: 'NS', ttl: 300, data: 'ns.home.lan.' },
      { name: 'home.lan', type: 'SOA', ttl: 300, data: 'ns.home.lan. hostmaster.home.lan. 10 3600 900 604800 60' },
      { name: 'home.lan', type: 'MX', ttl: 300, data: '10 mail.home.lan.' },
      { name: 'mail.home.lan', type: 'A', ttl: 300, data: '192.168.1.10' },
      { name: 'nas.home.lan', type: 'A', ttl: 600, data: '192.168.1.10' },
      { name: 'nas.home.lan', type: 'AAAA', ttl: 300, data: 'fd00::10' },
      { name: 'ns.home.lan', type: 'A', ttl: 300, data: '192.168.1.53' },
      { name: 'www.home.lan', type: 'CNAME', ttl: 300, data: 'nas.home.lan.' },
    ]);
  });

  it('filters by name and type, the zone and name written with or without the trailing dot', async () => {
    const { h } = await api();
    expect((await h.call('GET', '/zones/home.lan./records?name=NAS.home.lan.&type=aaaa')).body.records).toEqual([
      { name: 'nas.home.lan', type: 'AAAA', ttl: 300, data: 'fd00::10' },
    ]);
    expect((await h.call('GET', `${RECORDS}?name=@&type=MX`)).body.records).toHaveLength(1);
    expect((await h.call('GET', `${RECORDS}?type=TYPE65`)).body.records).toEqual([]);
  });

  it.each([
    ['an unknown type', '?type=BOGUS', ['type']],
    ['a name outside the zone', '?name=nas.example.com', ['name']],
    ['a malformed name', '?name=a..b', ['name']],
    ['an unknown key', '?colour=red', []],
  ])('answers 400 to %s', async (_what, query, path) => {
    const { h } = await api();
    const reply = await h.call('GET', `${RECORDS}${query}`);
    expect(reply.status).toBe(400);
    expect(reply.body.issues[0]).toMatchObject({ in: 'querystring', path });
  });

  it('answers 404 to a zone hearth does not serve, or serves in another view only, and to an unknown view', async () => {
    const { h } = await api();
    expect((await h.call('GET', '/zones/example.com/records')).status).toBe(404);
    expect((await h.call('GET', '/zones/guest.lan/records')).status).toBe(404);
    expect((await h.call('GET', '/zones/guest.lan/records?view=guests')).status).toBe(200);
    expect((await h.call('GET', `${RECORDS}?view=nope`)).body.message).toBe('no view named "nope"');
  });
});

describe('POST /zones/:zone/records', () => {
  it('adds a record, bumps the serial, and GET shows it', async () => {
    const { h } = await api();
    const reply = await h.call('POST', RECORDS, { body: { name: 'tv.home.lan', type: 'A', data: '192.168.1.40' } });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ record: { name: 'tv.home.lan', type: 'A', ttl: 300, data: '192.168.1.40' }, serial: 11 });
    const after = (await h.call('GET', `${RECORDS}?name=tv.home.lan`)).body;
    expect(after).toEqual({ zone: 'home.lan', serial: 11, records: [reply.body.record] });
  });

  it("reads data as a zone file does: names relative to the zone, any TTL given replacing the RRset's", async () => {
    const { h } = await api();
    const mx = await h.call('POST', RECORDS, { body: { name: '@', type: 'mx', data: '20 backup', ttl: 3600 } });
    expect(mx.body.record).toEqual({ name: 'home.lan', type: 'MX', ttl: 3600, data: '20 backup.home.lan.' });
    expect((await h.call('GET', `${RECORDS}?name=@&type=MX`)).body.records.map((r: { ttl: number }) => r.ttl)).toEqual([3600, 3600]);
    const txt = await h.call('POST', RECORDS, { body: { name: 'nas.home.lan.', type: 'TXT', data: '"model \\"DS220\\"; 2 bays"' } });
    expect(txt.body.record).toMatchObject({ data: '"model \\"DS220\\"; 2 bays"', ttl: 300 });
    const a = await h.call('POST', RECORDS, { body: { name: 'nas.home.lan', type: 'A', data: '192.168.1.11' } });
    expect(a.body.record.ttl).toBe(600); // the RRset's TTL, not the zone's default
    expect(a.body.serial).toBe(13);
  });

  it('keeps the change after a restart (the journal)', async () => {
    const { h, dir } = await api();
    await h.call('POST', RECORDS, { body: { name: 'tv.home.lan', type: 'A', data: '192.168.1.40' } });
    const again = localZones(dir).zones;
    expect(again.records('home.lan', 'default')?.some((r) => r.name === 'tv.home.lan')).toBe(true);
    expect(again.list('default')?.[0]?.serial).toBe(11);
  });

  it("changes the zone of the view asked for, and no other view's", async () => {
    const { h } = await api();
    const reply = await h.call('POST', '/zones/guest.lan/records?view=guests', { body: { name: 'printer.guest.lan', type: 'A', data: '192.168.50.9' } });
    expect(reply.body.serial).toBe(2);
    expect((await h.call('POST', '/zones/guest.lan/records', { body: { name: 'x.guest.lan', type: 'A', data: '192.168.50.9' } })).status).toBe(404);
  });

  it.each([
    ['an unknown type', { name: 'tv.home.lan', type: 'BOGUS', data: '1.2.3.4' }, ['type']],
    ['an address that is not one', { name: 'tv.home.lan', type: 'A', data: '999.1.1.1' }, ['data']],
    ['a second record after a line break', { name: 'tv.home.lan', type: 'A', data: '192.168.1.40\nevil.home.lan. A 6.6.6.6' }, ['data']],
    ['a directive after a line break', { name: 'tv.home.lan', type: 'A', data: '192.168.1.40\n$ORIGIN evil.' }, ['data']],
    ['a comment cutting the data short', { name: 'tv.home.lan', type: 'TXT', data: 'hello ; world' }, ['data']],
    ['an unterminated quote', { name: 'tv.home.lan', type: 'TXT', data: '"hello' }, ['data']],
    ['an unbalanced parenthesis', { name: 'tv.home.lan', type: 'A', data: '( 192.168.1.40' }, ['data']],
    ['a missing field', { name: 'tv.home.lan', type: 'MX', data: '10' }, ['data']],
    ['a CNAME whose data is no name', { name: 'tv.home.lan', type: 'CNAME', data: '\\# 1 ff' }, ['data']],
    ['a name outside the zone', { name: 'tv.example.com', type: 'A', data: '1.2.3.4' }, ['name']],
    ['a relative name', { name: 'tv', type: 'A', data: '1.2.3.4' }, ['name']],
    ['a malformed name', { name: 'tv..home.lan', type: 'A', data: '1.2.3.4' }, ['name']],
    ['a line break in the name', { name: 'tv.home.lan\nevil', type: 'A', data: '1.2.3.4' }, ['name']],
    ['a negative TTL', { name: 'tv.home.lan', type: 'A', data: '1.2.3.4', ttl: -1 }, ['ttl']],
    ['no data', { name: 'tv.home.lan', type: 'A' }, ['data']],
    ['an unknown key', { name: 'tv.home.lan', type: 'A', data: '1.2.3.4', class: 'IN' }, []],
  ])('answers 400 to %s, naming the field', async (_what, body, path) => {
    const { h } = await api();
    const reply = await h.call('POST', RECORDS, { body });
    expect(reply.status).toBe(400);
    expect(reply.body.issues[0]).toMatchObject({ in: 'body', path });
    expect((await h.call('GET', '/zones')).body.zones[0].serial).toBe(10);
  });

  it('answers 400 to a type that cannot be zone data', async () => {
    const { h } = await api();
    for (const type of ['TYPE41', 'TYPE255']) {
      expect((await h.call('POST', RECORDS, { body: { name: 'tv.home.lan', type, data: '\\# 0' } })).status).toBe(400);
    }
  });

  it.each([
    ['a record that is there already', { name: 'nas.home.lan', type: 'A', data: '192.168.1.10' }, 'already'],
    ['data beside a CNAME', { name: 'www.home.lan', type: 'A', data: '192.168.1.10' }, 'alias (CNAME)'],
    ['a CNAME beside data', { name: 'nas.home.lan', type: 'CNAME', data: 'www' }, 'other records'],
    ['an SOA', { name: '@', type: 'SOA', data: 'ns hostmaster 99 1h 15m 7d 60' }, 'SOA'],
  ])('answers 409 to %s, saying why', async (_what, body, why) => {
    const { h } = await api();
    const reply = await h.call('POST', RECORDS, { body });
    expect(reply.status).toBe(409);
    expect(reply.body.message).toContain(why);
    expect((await h.call('GET', '/zones')).body.zones[0].serial).toBe(10);
  });

  it('replaces a CNAME with a new one', async () => {
    const { h } = await api();
    expect((await h.call('POST', RECORDS, { body: { name: 'www.home.lan', type: 'CNAME', data: 'mail' } })).status).toBe(201);
    expect((await h.call('GET', `${RECORDS}?name=www.home.lan`)).body.records.map((r: { data: string }) => r.data)).toEqual(['mail.home.lan.']);
  });

  it('answers 503 when the change cannot be stored, and serves nothing of it', async () => {
    const { h, journal } = await api();
    journal.close();
    const reply = await h.call('POST', RECORDS, { body: { name: 'tv.home.lan', type: 'A', data: '192.168.1.40' } });
    expect(reply.status).toBe(503);
    expect((await h.call('GET', `${RECORDS}?name=tv.home.lan`)).body).toMatchObject({ serial: 10, records: [] });
  });
});

describe('DELETE /zones/:zone/records', () => {
  it('deletes one record, an RRset, or a whole name, bumping the serial each time', async () => {
    const { h } = await api();
    await h.call('POST', RECORDS, { body: { name: 'nas.home.lan', type: 'A', data: '192.168.1.11' } });
    const one = await h.call('DELETE', RECORDS, { body: { name: 'nas.home.lan', type: 'A', data: '192.168.1.11' } });
    expect(one.body).toEqual({ removed: 1, serial: 12 });
    await h.call('POST', RECORDS, { body: { name: 'nas.home.lan', type: 'A', data: '192.168.1.11' } });
    expect((await h.call('DELETE', RECORDS, { body: { name: 'nas.home.lan', type: 'A' } })).body).toEqual({ removed: 2, serial: 14 });
    expect((await h.call('GET', `${RECORDS}?name=nas.home.lan`)).body.records.map((r: { type: string }) => r.type)).toEqual(['AAAA']);
    expect((await h.call('DELETE', RECORDS, { body: { name: 'nas.home.lan' } })).body).toEqual({ removed: 1, serial: 15 });
    expect((await h.call('GET', `${RECORDS}?name=nas.home.lan`)).body.records).toEqual([]);
  });

  it("deletes everything at the apex but the zone's SOA and NS", async () => {
    const { h } = await api();
    expect((await h.call('DELETE', RECORDS, { body: { name: '@' } })).body).toEqual({ removed: 1, serial: 11 });
    for (const type of ['SOA', 'NS']) {
      const reply = await h.call('DELETE', RECORDS, { body: { name: 'home.lan', type } });
      expect(reply.status).toBe(409);
      expect(reply.body.message).toContain('SOA');
    }
    expect((await h.call('DELETE', RECORDS, { body: { name: '@', type: 'NS', data: 'ns' } })).status).toBe(409);
    expect((await h.call('GET', `${RECORDS}?name=@`)).body.records.map((r: { type: string }) => r.type)).toEqual(['NS', 'SOA']);
  });

  it.each([
    ['a name with no records', { name: 'ghost.home.lan' }],
    ['a type the name does not have', { name: 'nas.home.lan', type: 'MX' }],
    ['data the name does not have', { name: 'nas.home.lan', type: 'A', data: '10.0.0.1' }],
  ])('answers 404 to %s, changing nothing', async (_what, body) => {
    const { h } = await api();
    const reply = await h.call('DELETE', RECORDS, { body });
    expect(reply.status).toBe(404);
    expect((await h.call('GET', '/zones')).body.zones[0].serial).toBe(10);
  });

  it.each([
    ['data without a type', { name: 'nas.home.lan', data: '192.168.1.10' }, ['type']],
    ['bad data', { name: 'nas.home.lan', type: 'A', data: 'nas' }, ['data']],
    ['a name outside the zone', { name: 'nas.example.com' }, ['name']],
    ['no name', { type: 'A' }, ['name']],
  ])('answers 400 to %s', async (_what, body, path) => {
    const { h } = await api();
    const reply = await h.call('DELETE', RECORDS, { body });
    expect(reply.status).toBe(400);
    expect(reply.body.issues[0]).toMatchObject({ in: 'body', path });
  });

  it('answers 404 to an unknown zone or view', async () => {
    const { h } = await api();
    expect((await h.call('DELETE', '/zones/example.com/records', { body: { name: 'a.example.com' } })).status).toBe(404);
    expect((await h.call('DELETE', `${RECORDS}?view=nope`, { body: { name: 'nas.home.lan' } })).status).toBe(404);
  });
});

describe('the zone routes without zones behind them', () => {
  it('answer 404, never 500', async () => {
    const h = await start('');
    open.push(h);
    expect((await h.call('GET', '/zones')).status).toBe(404);
    expect((await h.call('POST', RECORDS, { body: { name: 'a.home.lan', type: 'A', data: '1.2.3.4' } })).status).toBe(404);
  });
});
