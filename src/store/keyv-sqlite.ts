// A Keyv storage adapter over node:sqlite, for small state that must survive
// a restart (DDNS addresses, HA state): @keyv/sqlite needs the native sqlite3
// module, which hearth does without. WAL with synchronous=FULL: when `set`
// resolves, the value is on disk, so a caller may record success after it.
//
// Keyv 6 hands this adapter absolute expiry times (`capabilities.expires`)
// and leaves namespaces to it: every row is keyed by (namespace, key).
import { EventEmitter } from 'node:events';
import { chmodSync } from 'node:fs';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { keyvStorageCapability, type KeyvStorageCapability, type KeyvStorageEntry } from 'keyv';

interface Row {
  readonly key: string;
  readonly value: string;
  readonly expires: number | null;
}

// Keyv's IEventEmitter types listeners more narrowly than node's EventEmitter,
// so the class is structurally an adapter without declaring `implements`.
export class KeyvSqlite extends EventEmitter {
  namespace: string | undefined;
  private readonly db: DatabaseSync;
  private readonly now: () => number;
  private readonly statements: {
    readonly get: StatementSync;
    readonly set: StatementSync;
    readonly delete: StatementSync;
    readonly clear: StatementSync;
    readonly all: StatementSync;
    readonly sweep: StatementSync;
  };

  /** Opens (creating it if needed) the database file at `path`; `now` is in ms. */
  constructor(path: string, now: () => number = Date.now) {
    super();
    this.now = now;
    this.db = new DatabaseSync(path);
    // Owner only: the state may say things about credentials. SQLite gives
    // the -wal and -shm files the database file's mode.
    chmodSync(path, 0o600);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS keyv (
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        expires INTEGER,
        PRIMARY KEY (namespace, key)
      ) WITHOUT ROWID;
    `);
    this.statements = {
      get: this.db.prepare('SELECT key, value, expires FROM keyv WHERE namespace = ? AND key = ?'),
      set: this.db.prepare('INSERT OR REPLACE INTO keyv (namespace, key, value, expires) VALUES (?, ?, ?, ?)'),
      delete: this.db.prepare('DELETE FROM keyv WHERE namespace = ? AND key = ?'),
      clear: this.db.prepare('DELETE FROM keyv WHERE namespace = ?'),
      all: this.db.prepare('SELECT key, value, expires FROM keyv WHERE namespace = ? ORDER BY key'),
      sweep: this.db.prepare('DELETE FROM keyv WHERE expires IS NOT NULL AND expires <= ?'),
    };
  }

  get capabilities(): KeyvStorageCapability {
    return keyvStorageCapability(this);
  }

  async get<Value>(key: string): Promise<Value | string | undefined> {
    return this.read(key)?.value;
  }

  async getMany<Value>(keys: string[]): Promise<Array<Value | string | undefined>> {
    return keys.map((key) => this.read(key)?.value);
  }

  async has(key: string): Promise<boolean> {
    return this.read(key) !== undefined;
  }

  async hasMany(keys: string[]): Promise<boolean[]> {
    return keys.map((key) => this.read(key) !== undefined);
  }

  /** Keyv has serialized the value already; anything else is stored as JSON text. */
  async set(key: string, value: unknown, expires?: number): Promise<boolean> {
    this.statements.set.run(this.space, key, typeof value === 'string' ? value : JSON.stringify(value), expires ?? null);
    return true;
  }

  /** All entries in one transaction: all of them are durable, or none. */
  async setMany<Value>(entries: KeyvStorageEntry<Value>[]): Promise<boolean[]> {
    this.transaction(() => {
      for (const entry of entries) {
        const value: unknown = entry.value;
        this.statements.set.run(this.space, entry.key, typeof value === 'string' ? value : JSON.stringify(value), entry.expires ?? null);
      }
    });
    return entries.map(() => true);
  }

  async delete(key: string): Promise<boolean> {
    return Number(this.statements.delete.run(this.space, key).changes) > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean[]> {
    let results: boolean[] = [];
    this.transaction(() => {
      results = keys.map((key) => Number(this.statements.delete.run(this.space, key).changes) > 0);
    });
    return results;
  }

  async clear(): Promise<void> {
    this.statements.clear.run(this.space);
  }

  async *iterator<Value>(): AsyncGenerator<Array<string | Awaited<Value> | undefined>, void> {
    this.statements.sweep.run(this.now());
    for (const row of this.statements.all.all(this.space) as unknown as Row[]) yield [row.key, row.value];
  }

  async disconnect(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }

  private get space(): string {
    return this.namespace ?? '';
  }

  /** The row, or undefined when there is none or it has expired (an expired row is removed). */
  private read(key: string): Row | undefined {
    const row = this.statements.get.get(this.space, key) as Row | undefined;
    if (row?.expires !== null && row?.expires !== undefined && row.expires <= this.now()) {
      this.statements.delete.run(this.space, key);
      return undefined;
    }
    return row;
  }

  private transaction(body: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      body();
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }
}
