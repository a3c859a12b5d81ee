import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Keyv } from 'keyv';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir.ts';
import { KeyvSqlite } from './keyv-sqlite.ts';

const opened: Keyv[] = [];

function open(path: string, namespace?: string): Keyv {
  const keyv = new Keyv({ store: new KeyvSqlite(path), ...(namespace ? { namespace } : {}) });
  opened.push(keyv);
  return keyv;
}

afterEach(async () => {
  for (const keyv of opened.splice(0)) await keyv.disconnect();
});

describe('Keyv over node:sqlite', () => {
  it('keeps values across a reopen of the file', async () => {
    const path = join(tempDir(), 'state.db');
    const first = open(path);
    await first.set('ddns:home.example.com:v4', { address: '203.0.113.7' });
    await first.disconnect();
    expect(await open(path).get('ddns:home.example.com:v4')).toEqual({ address: '203.0.113.7' });
  });

  it('is readable by its owner only', async () => {
    const path = join(tempDir(), 'state.db');
    await open(path).set('a', 1);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('is used by Keyv directly, without a bridge around it', () => {
    const store = new KeyvSqlite(join(tempDir(), 'state.db'));
    const keyv = new Keyv({ store });
    opened.push(keyv);
    expect(keyv.store).toBe(store);
  });

  it('keeps namespaces apart, and clear() empties only its own', async () => {
    const path = join(tempDir(), 'state.db');
    const ddns = open(path, 'ddns');
    const ha = open(path, 'ha');
    await ddns.set('a', 1);
    await ha.set('a', 2);
    expect([await ddns.get('a'), await ha.get('a')]).toEqual([1, 2]);
    await ddns.clear();
    expect([await ddns.get('a'), await ha.get('a')]).toEqual([undefined, 2]);
  });

  it('forgets a value once its expiry time has passed', async () => {
    let now = 1_000_000;
    const store = new KeyvSqlite(join(tempDir(), 'state.db'), () => now);
    await store.set('short', 'lived', now + 60_000);
    now += 59_000;
    expect(await store.get('short')).toBe('lived');
    now += 2_000;
    expect(await store.get('short')).toBeUndefined();
    expect(await store.has('short')).toBe(false);
    await store.disconnect();
  });

  it('reads, writes and deletes many keys at once', async () => {
    const keyv = open(join(tempDir(), 'state.db'));
    await keyv.setMany([
      { key: 'x', value: 'one' },
      { key: 'y', value: 'two' },
    ]);
    expect(await keyv.getMany(['x', 'y', 'z'])).toEqual(['one', 'two', undefined]);
    expect(await keyv.deleteMany(['x', 'z'])).toEqual([true, false]);
    expect(await keyv.hasMany(['x', 'y'])).toEqual([false, true]);
  });

  it('lists its entries', async () => {
    const keyv = open(join(tempDir(), 'state.db'), 'ddns');
    await keyv.set('b', 2);
    await keyv.set('a', 1);
    const entries: unknown[] = [];
    for await (const entry of keyv.iterator!()) entries.push(entry);
    expect(entries).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });
});
