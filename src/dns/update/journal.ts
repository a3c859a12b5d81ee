// Accepted updates, kept durably in node:sqlite (data_dir/zones.db) as an
// overlay on each zone's base (its zone file, or the zone hearth generates):
// records that must be present (with their TTL) and records that must be
// absent, plus the SOA serial. Replayed on every load, so an update survives
// restarts and reloads, and a zone file the owner edits keeps its comments
// and layout (BIND's .jnl plays the same role beside its master files).
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Logger } from '../../observe/log.ts';
import type { Name, ResourceRecord } from '../record.ts';
import { RRClass, RRType } from '../record.ts';
import { Zone } from '../zones/zone.ts';
import { sameRdata, ZoneContents, type ZoneDiff } from './contents.ts';
import { serialOf, withSerial, serialIsNewer } from './serial.ts';

/** One accepted update as it was journaled (the pair's sync streams these). */
export interface JournaledUpdate {
  readonly dir: string;
  readonly origin: Name;
  readonly diff: ZoneDiff;
  readonly serial: number;
}

/** A zone's whole overlay, for the pair's snapshot. */
export interface ZoneOverlay {
  readonly serial: number | undefined;
  readonly rows: readonly OverlayRow[];
}

export interface OverlayRow {
  readonly name: string;
  readonly type: number;
  readonly rdata: Uint8Array;
  readonly ttl: number;
  readonly present: number;
}

/** One accepted update, waiting to be written. */
interface Entry {
  /** The zones folder as the caller names it, and `key`, its resolved path the rows are stored under. */
  readonly dir: string;
  readonly key: string;
  readonly origin: Name;
  readonly diff: ZoneDiff;
  readonly serial: number;
}

/** `now`: durable on return (an UPDATE's NOERROR, an API edit). `soon`:
 *  written with the others of this event-loop turn in one transaction, one
 *  fsync for them all; for DHCP's host names, which hearth derives from the
 *  leases again at start, so none is lost if it stops before the write. */
export type Durability = 'now' | 'soon';

export class ZoneJournal {
  private readonly db: DatabaseSync;
  private readonly log: Logger | undefined;
  private pending: Entry[] = [];
  private flushScheduled = false;
  private readonly select: StatementSync;
  private readonly upsert: StatementSync;
  private readonly forget: StatementSync;
  private readonly selectSerial: StatementSync;
  private readonly upsertSerial: StatementSync;
  private readonly listeners = new Set<(update: JournaledUpdate) => void>();

  constructor(dataDir: string, log?: Logger) {
    this.log = log;
    mkdirSync(dataDir, { recursive: true });
    this.db = new DatabaseSync(join(dataDir, 'zones.db'));
    // FULL: an update is acknowledged only after its commit reached the disk.
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      CREATE TABLE IF NOT EXISTS overlay (
        dir TEXT NOT NULL, origin TEXT NOT NULL, name TEXT NOT NULL, type INTEGER NOT NULL,
        rdata BLOB NOT NULL, ttl INTEGER NOT NULL, present INTEGER NOT NULL,
        PRIMARY KEY (dir, origin, name, type, rdata)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS serials (
        dir TEXT NOT NULL, origin TEXT NOT NULL, serial INTEGER NOT NULL,
        PRIMARY KEY (dir, origin)) WITHOUT ROWID;`);
    this.select = this.db.prepare('SELECT name, type, rdata, ttl, present FROM overlay WHERE dir = ? AND origin = ?');
    this.upsert = this.db.prepare(`INSERT INTO overlay (dir, origin, name, type, rdata, ttl, present) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (dir, origin, name, type, rdata) DO UPDATE SET ttl = excluded.ttl, present = excluded.present`);
    this.forget = this.db.prepare('DELETE FROM overlay WHERE dir = ? AND origin = ? AND name = ? AND type = ? AND rdata = ?');
    this.selectSerial = this.db.prepare('SELECT serial FROM serials WHERE dir = ? AND origin = ?');
    this.upsertSerial = this.db.prepare(`INSERT INTO serials (dir, origin, serial) VALUES (?, ?, ?)
      ON CONFLICT (dir, origin) DO UPDATE SET serial = excluded.serial`);
  }

  /** `base` with every journaled change applied, or the problems that keep
   *  the result from being a zone (then the base is served, and they are reported). */
  replay(dir: string, base: Zone): Zone | string[] {
    this.flush();
    const key = resolve(dir);
    const rows = this.select.all(key, base.origin) as unknown as OverlayRow[];
    const stored = this.selectSerial.get(key, base.origin) as { serial: number } | undefined;
    if (rows.length === 0 && !stored) return base;
    const contents = new ZoneContents(base);
    this.db.exec('BEGIN');
    try {
      for (const row of rows) {
        const record: ResourceRecord = { name: row.name, type: row.type, class: RRClass.IN, ttl: row.ttl, rdata: new Uint8Array(row.rdata) };
        if (row.present) contents.add(record);
        else if (
          base
            .node(record.name)
            ?.get(record.type)
            ?.some((r) => sameRdata(r.rdata, record.rdata))
        )
          contents.deleteRecord(record);
        // An absence the base no longer has is spent: drop it, so the
        // journal stays as small as the zone's difference from its file.
        else this.forget.run(key, base.origin, row.name, row.type, row.rdata);
      }
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
    // The serial never goes back: the higher of the file's and the journal's (RFC 1982).
    if (stored && serialIsNewer(stored.serial, serialOf(base.soa))) {
      contents.deleteRRset(base.origin, RRType.SOA);
      contents.add(withSerial(base.soa, stored.serial));
    }
    return contents.build();
  }

  /** Stores one accepted update: in a transaction of its own, durable on
   *  return, or (`soon`) with the others of this turn. */
  record(dir: string, origin: Name, diff: ZoneDiff, serial: number, durability: Durability = 'now'): void {
    this.pending.push({ dir, key: resolve(dir), origin, diff, serial });
    if (durability === 'now') return this.flush();
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      try {
        this.flush();
      } catch (error) {
        this.log?.error({ err: error }, 'zone journal: host names not stored (they are registered again at start)');
      }
    });
  }

  /** Writes what is pending, in order, in one transaction. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const entries = this.pending;
    this.pending = [];
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const { key, origin, diff, serial } of entries) {
        for (const [records, present] of [
          [diff.present, 1],
          [diff.absent, 0],
        ] as const) {
          for (const rr of records) {
            if (rr.type !== RRType.SOA) this.upsert.run(key, origin, rr.name, rr.type, rr.rdata, rr.ttl, present);
          }
        }
        this.upsertSerial.run(key, origin, serial);
      }
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
    for (const { dir, origin, diff, serial } of entries) {
      for (const listener of this.listeners) listener({ dir, origin, diff, serial });
    }
  }

  /** Called after each durable record(); returns the function that stops it. */
  onRecord(listener: (update: JournaledUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The journaled serial of a zone (undefined: never updated). */
  serial(dir: string, origin: Name): number | undefined {
    return (this.selectSerial.get(resolve(dir), origin) as { serial: number } | undefined)?.serial;
  }

  /** Every zone of `dir` with an overlay, and its overlay. */
  overlays(dir: string): Map<Name, ZoneOverlay> {
    const key = resolve(dir);
    const origins = this.db.prepare('SELECT origin FROM serials WHERE dir = ? UNION SELECT DISTINCT origin FROM overlay WHERE dir = ?').all(key, key) as {
      origin: string;
    }[];
    return new Map(origins.map(({ origin }) => [origin, { serial: this.serial(dir, origin), rows: this.select.all(key, origin) as unknown as OverlayRow[] }]));
  }

  /** Replaces a zone's overlay with `overlay` (a standby taking the master's), in one transaction. */
  restore(dir: string, origin: Name, overlay: ZoneOverlay): void {
    const key = resolve(dir);
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.db.prepare('DELETE FROM overlay WHERE dir = ? AND origin = ?').run(key, origin);
      this.db.prepare('DELETE FROM serials WHERE dir = ? AND origin = ?').run(key, origin);
      for (const row of overlay.rows) this.upsert.run(key, origin, row.name, row.type, row.rdata, row.ttl, row.present);
      if (overlay.serial !== undefined) this.upsertSerial.run(key, origin, overlay.serial);
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}
