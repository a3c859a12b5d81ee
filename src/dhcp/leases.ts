// The DHCP leases, in memory for lookups and in node:sqlite (data_dir/dhcp.db,
// WAL, synchronous FULL) for durability. One row per address and one per
// client: a row whose expiry has passed is a binding that ended (expired or
// released), kept so a returning client gets its old address back (RFC 2131
// §4.3.1) until another client takes it.
//
// Writes are group-committed: everything written during one turn of the
// event loop (or a few turns, while requests keep queueing) goes to disk in
// one transaction (one fsync), and only then are the writers told, so a
// server sends its ACKs after their leases are durable and still answers
// thousands of REQUESTs a second. dnsmasq instead rewrites and fsyncs its
// whole lease file per change.
//
// Declined addresses (RFC 2131 §4.3.3) and the end of their quarantine are
// kept here too, written at once, so a restart does not hand them out.
//
// HA replication hooks in here (`replicateWith`): the pair's standby must
// hold every lease before its client is ACKed (src/ha/sync/leases.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Logger } from '../observe/log.ts';

export interface Lease {
  readonly address: string;
  /** Whose lease it is (RFC 2131 §4.2): option 61, else htype + chaddr, in hex. */
  readonly client: string;
  /** chaddr as aa:bb:cc:dd:ee:ff. */
  readonly mac: string;
  /** Option 61 in hex, when the client sent one. */
  readonly clientId: string | undefined;
  /** The label registered as NAME.<dhcp.domain>, undefined when none is. */
  readonly hostname: string | undefined;
  /** Milliseconds since the epoch; at or before now the binding has ended. */
  readonly expires: number;
}

/** A durable change as the pair's standby applies it (src/ha/sync/leases.ts).
 *  An upsert replaces any row of the same address and any other row of the same client. */
export type LeaseChange = { readonly kind: 'upsert'; readonly lease: Lease } | { readonly kind: 'remove'; readonly address: string };

/** Hands a committed batch to the standby; the batch's writers (and so the
 *  clients' ACKs) wait until the promise settles, which the pair bounds. */
export type LeaseReplication = (changes: readonly LeaseChange[]) => Promise<void>;

export interface LeaseStoreOptions {
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
  /** Asked at the end of a turn with writes pending: true when more requests
   *  are already waiting to be read, so their writes can join this commit. */
  readonly moreComing?: () => boolean;
}

/** A commit waits for more writes at most as long as the last commit took
 *  (waiting longer than a commit costs saves nothing), at most this long,
 *  and for at most this many writes. */
const MAX_WAIT_MS = 10;
const MAX_BATCH = 4096;
/** Called once the write is on disk (true), or when its commit failed (false). */
export type Committed = (ok: boolean) => void;

interface LeaseRow {
  readonly address: string;
  readonly client: string;
  readonly mac: string;
  readonly client_id: string | null;
  readonly hostname: string | null;
  readonly expires: number;
}

export class LeaseStore {
  private readonly db: DatabaseSync;
  private readonly upsert: StatementSync;
  private readonly delete: StatementSync;
  private readonly putDecline: StatementSync;
  private readonly dropDecline: StatementSync;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly moreComing: () => boolean;
  private readonly byAddress = new Map<string, Lease>();
  private readonly byClient = new Map<string, Lease>();
  /** Declined addresses and when their quarantine ends (ms since the epoch). */
  private readonly quarantine = new Map<string, number>();
  private replication: LeaseReplication | undefined;
  /** Each address written since the last commit, with its latest state (null: removed). */
  private pending = new Map<string, Lease | null>();
  private waiting: Committed[] = [];
  private scheduled = false;
  /** When the oldest pending write was made (performance.now()). */
  private pendingSince = 0;
  /** How long the last commit took, ms. */
  private commitCost = 0;

  constructor(dataDir: string, log: Logger, options: LeaseStoreOptions = {}) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new DatabaseSync(join(dataDir, 'dhcp.db'));
    this.log = log;
    this.now = options.now ?? Date.now;
    this.moreComing = options.moreComing ?? (() => false);
    // FULL: a commit has reached the disk when it returns, so an ACKed lease
    // survives a power cut.
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      CREATE TABLE IF NOT EXISTS leases (
        address TEXT PRIMARY KEY,
        client TEXT NOT NULL UNIQUE,
        mac TEXT NOT NULL,
        client_id TEXT,
        hostname TEXT,
        expires INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS declined (
        address TEXT PRIMARY KEY,
        until INTEGER NOT NULL) WITHOUT ROWID;`);
    // REPLACE drops the rows it conflicts with: the address's former holder
    // and the client's row at another address, as in memory.
    this.upsert = this.db.prepare('INSERT OR REPLACE INTO leases (address, client, mac, client_id, hostname, expires) VALUES (?, ?, ?, ?, ?, ?)');
    this.delete = this.db.prepare('DELETE FROM leases WHERE address = ?');
    this.putDecline = this.db.prepare('INSERT OR REPLACE INTO declined (address, until) VALUES (?, ?)');
    this.dropDecline = this.db.prepare('DELETE FROM declined WHERE address = ?');
    this.load();
    for (const row of this.db.prepare('SELECT address, until FROM declined').all() as unknown as { address: string; until: number }[]) {
      this.quarantine.set(row.address, row.until);
    }
  }

  get(address: string): Lease | undefined {
    return this.byAddress.get(address);
  }

  ofClient(client: string): Lease | undefined {
    return this.byClient.get(client);
  }

  /** Every row, ended bindings included. */
  all(): IterableIterator<Lease> {
    return this.byAddress.values();
  }

  /** The lease holding `address` now, undefined when none does. */
  active(address: string): Lease | undefined {
    const lease = this.byAddress.get(address);
    return lease && lease.expires > this.now() ? lease : undefined;
  }

  /**
   * Records `lease` now and on disk at the end of this event-loop turn. It
   * replaces the client's row at another address and an ended binding of
   * another client at this one. False, and nothing written, when another
   * client's lease still holds the address: two clients never hold one.
   */
  put(lease: Lease, committed?: Committed): boolean {
    const holder = this.active(lease.address);
    if (holder && holder.client !== lease.client) return false;
    const previous = this.byClient.get(lease.client);
    if (previous && previous.address !== lease.address) this.forget(previous);
    const replaced = this.byAddress.get(lease.address);
    if (replaced) this.byClient.delete(replaced.client);
    this.byAddress.set(lease.address, lease);
    this.byClient.set(lease.client, lease);
    this.stage(lease.address, lease, committed);
    return true;
  }

  /** RFC 2131 §4.3.3: a host without a lease uses `address`, which no one
   *  gets before `until`; written at once, so a restart keeps it too. */
  decline(address: string, until: number): void {
    this.putDecline.run(address, until);
    this.quarantine.set(address, until);
  }

  /** When the quarantine of `address` ends, if it is in one (ended ones until cleared). */
  declinedUntil(address: string): number | undefined {
    return this.quarantine.get(address);
  }

  /** Every quarantine, address → when it ends. */
  declines(): ReadonlyMap<string, number> {
    return this.quarantine;
  }

  clearDecline(address: string): void {
    this.dropDecline.run(address);
    this.quarantine.delete(address);
  }

  /** How a standby applies a change the master made: whatever held the
   *  address or the client before gives way, as it did on the master. */
  apply(change: LeaseChange, committed?: Committed): void {
    if (change.kind === 'remove') {
      const lease = this.byAddress.get(change.address);
      if (lease) this.forget(lease);
      return this.stage(change.address, null, committed);
    }
    const holder = this.byAddress.get(change.lease.address);
    if (holder && holder.client !== change.lease.client) this.forget(holder);
    this.put(change.lease, committed);
  }

  /** Replication for the pair (undefined: none); see LeaseReplication. */
  replicateWith(replication: LeaseReplication | undefined): void {
    this.replication = replication;
  }

  /** Writes everything pending in one transaction, then tells the writers
   *  and the listeners. Runs by itself at the end of the turn of a write. */
  commit(): void {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const writes = this.pending;
    const waiting = this.waiting;
    this.pending = new Map();
    this.waiting = [];
    // The standby gets the batch before our own fsync, so its fsync runs
    // beside ours and an ACK waits for the slower of the two, not their sum.
    // Should ours fail, the standby holds bindings nobody was ACKed for: an
    // address kept for a client that asked for it, until the next snapshot.
    const replicated = this.replicate(writes);
    const started = performance.now();
    try {
      if (!this.db.isOpen) throw new Error('the lease database is closed');
      this.db.exec('BEGIN IMMEDIATE');
      for (const [address, lease] of writes) {
        if (lease) this.upsert.run(lease.address, lease.client, lease.mac, lease.clientId ?? null, lease.hostname ?? null, lease.expires);
        else this.delete.run(address);
      }
      this.db.exec('COMMIT');
      this.commitCost = performance.now() - started;
    } catch (error) {
      if (this.db.isOpen && this.db.isTransaction) this.db.exec('ROLLBACK');
      this.log.error({ err: error, leases: writes.size }, 'DHCP leases could not be stored: their clients get no ACK');
      // The disk is the truth: forget what did not reach it.
      if (this.db.isOpen) this.load();
      for (const done of waiting) this.tell(done, false);
      return;
    }
    const tellAll = () => {
      for (const done of waiting) this.tell(done, true);
    };
    if (replicated) void replicated.then(tellAll);
    else tellAll();
  }

  /** Settles once the standby has `writes` (or the pair gave up waiting; see
   *  LeaseReplication); undefined without a pair. */
  private replicate(writes: ReadonlyMap<string, Lease | null>): Promise<unknown> | undefined {
    if (!this.replication) return undefined;
    const changes = [...writes].map(([address, lease]): LeaseChange => (lease ? { kind: 'upsert', lease } : { kind: 'remove', address }));
    return this.replication(changes).catch(() => undefined);
  }

  /** Commits what is pending and closes the database. */
  close(): void {
    if (!this.db.isOpen) return;
    this.commit();
    this.db.close();
  }

  private forget(lease: Lease): void {
    this.byAddress.delete(lease.address);
    if (this.byClient.get(lease.client) === lease) this.byClient.delete(lease.client);
    this.stage(lease.address, null);
  }

  private stage(address: string, lease: Lease | null, committed?: Committed): void {
    this.pending.set(address, lease);
    if (committed) this.waiting.push(committed);
    if (!this.scheduled) {
      this.scheduled = true;
      this.pendingSince = performance.now();
      setImmediate(() => this.commitSoon());
    }
  }

  /** Commits at the end of this turn, or of a later one while requests keep
   *  coming: one fsync then serves a whole burst. */
  private commitSoon(): void {
    const waited = performance.now() - this.pendingSince;
    if (this.moreComing() && this.pending.size < MAX_BATCH && waited < Math.min(MAX_WAIT_MS, this.commitCost)) {
      setImmediate(() => this.commitSoon());
    } else this.commit();
  }

  /** A writer's or listener's failure is theirs: it must not stop the others. */
  private tell(done: Committed, ok: boolean): void {
    try {
      done(ok);
    } catch (error) {
      this.log.error({ err: error }, 'a DHCP lease callback failed');
    }
  }

  private load(): void {
    this.byAddress.clear();
    this.byClient.clear();
    const rows = this.db.prepare('SELECT address, client, mac, client_id, hostname, expires FROM leases').all() as unknown as LeaseRow[];
    for (const row of rows) {
      const lease: Lease = {
        address: row.address,
        client: row.client,
        mac: row.mac,
        clientId: row.client_id ?? undefined,
        hostname: row.hostname ?? undefined,
        expires: row.expires,
      };
      this.byAddress.set(lease.address, lease);
      this.byClient.set(lease.client, lease);
    }
  }
}
