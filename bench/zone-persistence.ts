// Why hearth journals an accepted zone update in SQLite rather than writing
// the zone file anew: for zones of 100, 1,000 and 10,000 A records, the cost
// of one update, each adding one A record, made durable both ways:
//   journal: hearth's own path, ZoneUpdater.apply committing the change to
//            ZoneJournal (node:sqlite, WAL, synchronous=FULL), as src/app.ts
//            wires them; the commit is timed inside it, and so is the whole update;
//   rewrite: the alternative, the whole zone written out as zone-file text
//            to a temporary file, fsync, rename over the zone file, fsync of
//            the directory (so the rename itself is durable).
// Both end in an fsync (the journal's WAL commit, the rewrite's two), so the
// difference is the bytes and the work each writes per update.
// Run: node bench/zone-persistence.ts       UPDATES=200 per zone size by default
import { closeSync, fsyncSync, mkdtempSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResourceRecord } from '../src/dns/record.ts';
import { ZoneJournal } from '../src/dns/update/journal.ts';
import { ZoneUpdater } from '../src/dns/update/updater.ts';
import { nameText, rdataToText } from '../src/dns/zones/rdata-text.ts';
import { Zone } from '../src/dns/zones/zone.ts';
import { typeName } from '../src/dns/zones/rr-types.ts';
import { parseZoneFile } from '../src/dns/zones/zonefile.ts';
import { ZoneSet } from '../src/dns/zones/zoneset.ts';
import { createLogger } from '../src/observe/log.ts';

const SIZES = [100, 1_000, 10_000];
const UPDATES = Number(process.env.UPDATES ?? 200);
const WARMUP = 20; // unmeasured first updates, so V8 has compiled the paths
const ORIGIN = 'bench.lan';

/** hostK.bench.lan -> 10.(K / 65536).(K / 256 % 256).(K % 256), as bench/dns-update.sh. */
const hostLine = (k: number) => `host${k} IN A 10.${k >> 16}.${(k >> 8) & 255}.${k & 255}\n`;

function parse(text: string): ResourceRecord[] {
  const parsed = parseZoneFile(`$TTL 1h\n${text}`, { file: 'bench.lan.zone', origin: ORIGIN });
  if (parsed.errors.length > 0) throw new Error(JSON.stringify(parsed.errors));
  return parsed.records;
}

function zoneOf(size: number): Zone {
  let text = '@ IN SOA ns hostmaster ( 1 1h 15m 7d 5m )\n@ IN NS ns\nns IN A 127.0.0.1\n';
  for (let k = 1; k <= size; k++) text += hostLine(k);
  return Zone.build(ORIGIN, parse(text)) as Zone;
}

/** The zone as a file hearth (or BIND) would read back, one absolute record a line. */
function zoneFileText(zone: Zone): string {
  let text = '';
  for (const rr of zone.records()) text += `${nameText(rr.name)} ${rr.ttl} IN ${typeName(rr.type)} ${rdataToText(rr.type, rr.rdata)}\n`;
  return text;
}

/** The journal with its commits timed: the part of an update that is persistence. */
class TimedJournal extends ZoneJournal {
  commitMs = 0;
  override record(...args: Parameters<ZoneJournal['record']>): void {
    const started = performance.now();
    super.record(...args);
    this.commitMs += performance.now() - started;
  }
}

/** Milliseconds per update through ZoneUpdater: the whole update, and its journal commit. */
function journaled(dir: string, size: number): { update: number; commit: number; after: Zone } {
  const journal = new TimedJournal(join(dir, 'data'));
  const zones = new ZoneSet(join(dir, 'zones'));
  zones.load([zoneOf(size)]);
  const updater = new ZoneUpdater(journal, createLogger('silent'));
  // The update messages, parsed before the clock starts (the server gets them off the wire).
  const updates = Array.from({ length: WARMUP + UPDATES }, (_, i) => parse(hostLine(size + 1 + i)));
  let started = 0;
  updates.forEach((records, i) => {
    if (i === WARMUP) {
      started = performance.now();
      journal.commitMs = 0;
    }
    const result = updater.apply(zones, zones.get(ORIGIN)!, { prerequisites: [], updates: records });
    if (result.rcode !== 0 || !('changed' in result) || !result.changed) throw new Error(`update ${i} failed: ${JSON.stringify(result)}`);
  });
  const update = (performance.now() - started) / UPDATES;
  const commit = journal.commitMs / UPDATES;
  journal.close();
  return { update, commit, after: zones.get(ORIGIN)! };
}

/** Milliseconds per atomic, durable rewrite of the whole zone file. */
function rewritten(dir: string, zone: Zone): number {
  const file = join(dir, 'bench.lan.zone');
  const rewrite = () => {
    const temporary = `${file}.tmp`;
    const fd = openSync(temporary, 'w');
    writeSync(fd, zoneFileText(zone));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, file);
    const dirFd = openSync(dir, 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  };
  for (let i = 0; i < WARMUP; i++) rewrite();
  const started = performance.now();
  for (let i = 0; i < UPDATES; i++) rewrite();
  return (performance.now() - started) / UPDATES;
}

console.log(`${UPDATES} updates per zone size, each adding one A record (after ${WARMUP} unmeasured); milliseconds per update`);
console.log('                  persistence alone                whole update');
console.log('records   journal commit  file rewrite  ratio   journaled  rewritten');
for (const size of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-persistence-'));
  try {
    const { update, commit, after } = journaled(dir, size);
    // The zone as it stands after the updates: what a rewrite would write.
    const rewrite = rewritten(dir, after);
    // The same update with a rewrite instead of the commit: the in-memory work is the same.
    const ms = (value: number, width: number) => value.toFixed(3).padStart(width);
    console.log(
      `${String(size).padStart(7)} ${ms(commit, 16)} ${ms(rewrite, 13)} ${(rewrite / commit).toFixed(1).padStart(5)}x` +
        ` ${ms(update, 11)} ${ms(update - commit + rewrite, 10)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
