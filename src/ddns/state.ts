// What the updater remembers across restarts, in keyv over
// <data_dir>/state.db: the address each record last got confirmed by its
// provider, and the records stopped by an error only the owner can fix.
//
// Everything is also kept in memory, written first: should the disk fail,
// the updater still knows what it confirmed and does not send the same
// update every cycle (ddclient#544, where a broken cache got accounts
// banned); entries that did not reach the disk keep their memory value when
// the file is read again. Each run starts by reading the file, so a one-shot
// `hearth ddns update` in another process and the service see each other's
// work.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Keyv } from 'keyv';
import { KeyvSqlite } from '../store/keyv-sqlite.ts';
import type { FamilyKey } from './address.ts';

export interface Confirmed {
  readonly address: string;
  /** When the provider last confirmed it (ms since the epoch). */
  readonly at: number;
  /** When it became this address. */
  readonly changedAt: number;
}

export interface Stop {
  readonly kind: 'auth-error' | 'fatal';
  readonly reason: string;
  readonly since: number;
  /** The record's identity (config and secret) when it stopped: a change lifts the stop. */
  readonly identity: string;
}

const CONFIRMED = 'confirmed:';
const STOP = 'stop:';

/** The record an entry belongs to: `confirmed:<record>:v4`, `stop:<record>`. */
function recordOf(key: string): string {
  return key.startsWith(CONFIRMED) ? key.slice(CONFIRMED.length, key.lastIndexOf(':')) : key.slice(STOP.length);
}

export class DdnsState {
  private readonly keyv: Keyv;
  /** Every entry, by its key in state.db. */
  private entries = new Map<string, unknown>();
  /** Keys whose last change did not reach the disk: for them memory wins over the file. */
  private readonly unsaved = new Set<string>();
  /** Keyv reports store failures as events, not exceptions. */
  private lastError: unknown;

  /** `keyv` is state.db (see open()); tests give others. */
  constructor(keyv: Keyv) {
    this.keyv = keyv;
    keyv.on('error', (error: unknown) => {
      this.lastError = error;
    });
  }

  /** Opens <data_dir>/state.db (creating the directory) and reads what it holds. */
  static async open(dataDir: string): Promise<DdnsState> {
    mkdirSync(dataDir, { recursive: true });
    const state = new DdnsState(new Keyv({ store: new KeyvSqlite(join(dataDir, 'state.db')), namespace: 'ddns' }));
    await state.reload();
    return state;
  }

  /** Reads the file again; throws (and memory stays) when it cannot be read. */
  async reload(): Promise<void> {
    const read = new Map<string, unknown>();
    for await (const [key, value] of this.keyv.iterator!()) if (typeof key === 'string') read.set(key, value);
    for (const key of this.unsaved) {
      const kept = this.entries.get(key);
      if (kept === undefined) read.delete(key);
      else read.set(key, kept);
    }
    this.entries = read;
  }

  confirmed(record: string, family: FamilyKey): Confirmed | undefined {
    return this.entries.get(`${CONFIRMED}${record}:${family}`) as Confirmed | undefined;
  }

  /** Resolves once the address is on disk; rejects when it could not be written (memory has it anyway). */
  async confirm(record: string, family: FamilyKey, address: string, now: number): Promise<void> {
    const before = this.confirmed(record, family);
    const confirmed: Confirmed = { address, at: now, changedAt: before?.address === address ? before.changedAt : now };
    await this.write(`${CONFIRMED}${record}:${family}`, confirmed);
  }

  stopOf(record: string): Stop | undefined {
    return this.entries.get(STOP + record) as Stop | undefined;
  }

  async stop(record: string, stop: Stop): Promise<void> {
    await this.write(STOP + record, stop);
  }

  async resume(record: string): Promise<void> {
    await this.write(STOP + record, undefined);
  }

  /** Every entry, for a pair's standby (src/ha/sync/ddns.ts). */
  entriesNow(): Record<string, unknown> {
    return Object.fromEntries(this.entries);
  }

  /** Takes the master's entries as this node's own, on disk too. */
  async adopt(entries: Record<string, unknown>): Promise<void> {
    for (const key of [...this.entries.keys()]) if (!(key in entries)) await this.write(key, undefined);
    for (const [key, value] of Object.entries(entries)) await this.write(key, value);
  }

  /** Forgets records no longer in the config. */
  async keepOnly(records: ReadonlySet<string>): Promise<void> {
    for (const key of [...this.entries.keys()]) if (!records.has(recordOf(key))) await this.write(key, undefined);
  }

  async close(): Promise<void> {
    await this.keyv.disconnect();
  }

  /** Sets (or with undefined, deletes) an entry in memory, then on disk. */
  private async write(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.entries.delete(key);
    else this.entries.set(key, value);
    this.unsaved.add(key);
    this.lastError = undefined;
    const done = value === undefined ? (await this.keyv.delete(key), true) : await this.keyv.set(key, value);
    if (!done || this.lastError !== undefined)
      throw new Error(`cannot write state.db: ${(this.lastError as Error | undefined)?.message ?? 'the store refused'}`);
    this.unsaved.delete(key);
  }
}
