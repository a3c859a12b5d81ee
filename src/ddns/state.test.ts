import { join } from 'node:path';
import { Keyv } from 'keyv';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir.ts';
import { KeyvSqlite } from '../store/keyv-sqlite.ts';
import { DdnsState } from './state.ts';

/** A state.db whose disk takes no more writes (reads still work). */
class FullDisk extends KeyvSqlite {
  override async set(): Promise<boolean> {
    throw new Error('database or disk is full');
  }
}

describe('what the updater remembers', () => {
  it('keeps confirmed addresses and stops across a reopen', async () => {
    const dir = tempDir();
    const first = await DdnsState.open(dir);
    await first.confirm('duckdns:myhome', 'v4', '93.184.216.34', 1000);
    await first.stop('dyndns2:home.example.com', { kind: 'auth-error', reason: 'badauth', since: 2000, identity: 'abc' });
    await first.close();
    const again = await DdnsState.open(dir);
    expect(again.confirmed('duckdns:myhome', 'v4')).toEqual({ address: '93.184.216.34', at: 1000, changedAt: 1000 });
    expect(again.stopOf('dyndns2:home.example.com')).toMatchObject({ reason: 'badauth', identity: 'abc' });
    await again.close();
  });

  it('tells when the address last changed, not just when it was last confirmed', async () => {
    const state = await DdnsState.open(tempDir());
    await state.confirm('duckdns:myhome', 'v4', '93.184.216.34', 1000);
    await state.confirm('duckdns:myhome', 'v4', '93.184.216.34', 5000);
    expect(state.confirmed('duckdns:myhome', 'v4')).toEqual({ address: '93.184.216.34', at: 5000, changedAt: 1000 });
    await state.confirm('duckdns:myhome', 'v4', '93.184.216.35', 9000);
    expect(state.confirmed('duckdns:myhome', 'v4')).toMatchObject({ at: 9000, changedAt: 9000 });
    await state.close();
  });

  it('still knows an address it could not write down, even after reading the file again', async () => {
    const path = join(tempDir(), 'state.db');
    const state = new DdnsState(new Keyv({ store: new FullDisk(path), namespace: 'ddns' }));
    await expect(state.confirm('duckdns:myhome', 'v4', '93.184.216.34', 1000)).rejects.toThrow('cannot write state.db: database or disk is full');
    await state.reload();
    expect(state.confirmed('duckdns:myhome', 'v4')).toMatchObject({ address: '93.184.216.34' });
    await state.close();
  });

  it('forgets records no longer configured', async () => {
    const state = await DdnsState.open(tempDir());
    await state.confirm('duckdns:myhome', 'v4', '93.184.216.34', 1000);
    await state.confirm('duckdns:other', 'v6', '2a01:4f8::1', 1000);
    await state.stop('duckdns:other', { kind: 'fatal', reason: 'x', since: 1, identity: 'i' });
    await state.keepOnly(new Set(['duckdns:myhome']));
    await state.reload();
    expect([state.confirmed('duckdns:myhome', 'v4')?.address, state.confirmed('duckdns:other', 'v6'), state.stopOf('duckdns:other')]).toEqual([
      '93.184.216.34',
      undefined,
      undefined,
    ]);
    await state.close();
  });
});
