// What the updater remembers across restarts, in keyv over
// <data_dir>/state.db: the address each record last got confirmed by its
// provider, and the records stopped by an error only the owner can fix.
//
// Everything is also kept in memory, read first and written first: should
// the disk fail, the updater still knows within this run what it confirmed
// and does not send the same update every cycle (ddclient#544, where a broken
// cache got accounts banned).
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

export class DdnsState {
  private readonly keyv: Keyv;
  private readonly confirmedMap = new Map<string, Confirmed>();
  private readonly stops = new Map<string, Stop>();

  private constructor(keyv: Keyv) {
    this.keyv = keyv;
  }

  /** Opens <data_dir>/state.db and reads what it holds. */
  static async open(dataDir: string): Promise<DdnsState> {
    const state = new DdnsState(new Keyv({ store: new KeyvSqlite(join(dataDir, 'state.db')), namespace: 'ddns' }));
    for await (const [key, value] of state.keyv.iterator!()) {
      if (typeof key !== 'string') continue;
      if (key.startsWith(CONFIRMED)) state.confirmedMap.set(key.slice(CONFIRMED.length), value as Confirmed);
      else if (key.startsWith(STOP)) state.stops.set(key.slice(STOP.length), value as Stop);
    }
    return state;
  }

  confirmed(record: string, family: FamilyKey): Confirmed | undefined {
    return this.confirmedMap.get(`${record}:${family}`);
  }

  /** Resolves once the address is on disk. */
  async confirm(record: string, family: FamilyKey, address: string, now: number): Promise<void> {
    const key = `${record}:${family}`;
    const before = this.confirmedMap.get(key);
    const confirmed: Confirmed = { address, at: now, changedAt: before?.address === address ? before.changedAt : now };
    this.confirmedMap.set(key, confirmed);
    await this.keyv.set(CONFIRMED + key, confirmed);
  }

  stopOf(record: string): Stop | undefined {
    return this.stops.get(record);
  }

  async stop(record: string, stop: Stop): Promise<void> {
    this.stops.set(record, stop);
    await this.keyv.set(STOP + record, stop);
  }

  async resume(record: string): Promise<void> {
    this.stops.delete(record);
    await this.keyv.delete(STOP + record);
  }

  /** Forgets records no longer in the config. */
  async keepOnly(records: ReadonlySet<string>): Promise<void> {
    const stale = (key: string): boolean => !records.has(key.slice(0, key.lastIndexOf(':')));
    const keys = [
      ...[...this.confirmedMap.keys()].filter(stale).map((key) => CONFIRMED + key),
      ...[...this.stops.keys()].filter((record) => !records.has(record)).map((record) => STOP + record),
    ];
    for (const key of keys) {
      if (key.startsWith(CONFIRMED)) this.confirmedMap.delete(key.slice(CONFIRMED.length));
      else this.stops.delete(key.slice(STOP.length));
    }
    if (keys.length > 0) await this.keyv.deleteMany(keys);
  }

  async close(): Promise<void> {
    await this.keyv.disconnect();
  }
}
