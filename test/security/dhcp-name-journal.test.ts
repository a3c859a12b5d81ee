// DHCP names cost the journal one transaction (one fsync) per event-loop
// turn, not two each on the main thread: a burst of new leases (a DISCOVER
// flood that gets through, every device after a power cut) cannot make DNS
// wait on the disk once per name. Names are written with the rest of their
// turn; an RFC 2136 UPDATE is still durable before its answer.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { parseCidr } from '../../src/values/cidr.ts';
import { ZoneHostRegistry } from '../../src/dns/update/hosts.ts';
import { ZoneJournal } from '../../src/dns/update/journal.ts';
import { ZoneUpdater } from '../../src/dns/update/updater.ts';
import { RRClass, RRType } from '../../src/dns/record.ts';
import { hostZones } from '../../src/dns/zones/generated.ts';
import { ZoneSet } from '../../src/dns/zones/zoneset.ts';
import { createLogger } from '../../src/observe/log.ts';

describe('DHCP host names in the zone journal', () => {
  it('are written together at the end of the turn, in one transaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-journal-'));
    const journal = new ZoneJournal(dir);
    const zones = new ZoneSet('zones');
    zones.load(hostZones('home.lan', parseCidr('192.168.1.0/24')!));
    const updater = new ZoneUpdater(journal, createLogger('silent'));
    const hosts = new ZoneHostRegistry(updater, () => zones, createLogger('silent'));
    const reader = new DatabaseSync(join(dir, 'zones.db'));
    const rows = () => (reader.prepare('SELECT count(*) AS n FROM overlay').get() as { n: number }).n;
    const commits = () => (reader.prepare('PRAGMA data_version').get() as { data_version: number }).data_version;
    const before = commits();
    for (let i = 0; i < 50; i++) expect(hosts.register(`host${i}.home.lan`, `192.168.1.${100 + i}`)).toBe(true);
    expect(rows()).toBe(0); // served already, written with the rest of the turn
    await new Promise((done) => setImmediate(done));
    expect(rows()).toBe(100); // 50 A and 50 PTR
    expect(commits() - before).toBe(1);
    // An UPDATE-like change is durable on return, and writes what was pending before it.
    hosts.register('late.home.lan', '192.168.1.200');
    updater.apply(zones, zones.get('home.lan')!, {
      prerequisites: [],
      updates: [{ name: 'nas.home.lan', type: RRType.A, class: RRClass.IN, ttl: 60, rdata: Uint8Array.of(192, 168, 1, 10) }],
    });
    expect(rows()).toBe(103);
    reader.close();
    journal.close();
  });
});
