import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../observe/log.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import { LeaseStore, type Lease } from './leases.ts';

const log = createLogger('silent');
const NOW = 1_000_000;
const open: LeaseStore[] = [];

function store(dir = tempDir()): { store: LeaseStore; dir: string } {
  const opened = new LeaseStore(dir, log, { now: () => NOW });
  open.push(opened);
  return { store: opened, dir };
}

function lease(address: string, client: string, expires = NOW + 60_000, hostname?: string): Lease {
  return { address, client, mac: 'aa:bb:cc:dd:ee:ff', clientId: undefined, hostname, expires };
}

/** Resolves once the writes of this turn are on disk. */
function committed(write: (done: (ok: boolean) => void) => void): Promise<boolean> {
  return new Promise((done) => write(done));
}

afterEach(() => {
  for (const opened of open.splice(0)) opened.close();
});

describe('LeaseStore', () => {
  it('tells a writer only once the lease can be read from the file by another connection', async () => {
    const { store: leases, dir } = store();
    const seen = await new Promise<unknown>((done) => {
      leases.put(lease('10.0.0.5', 'c1'), () => {
        const reader = new DatabaseSync(join(dir, 'dhcp.db'), { readOnly: true });
        done(reader.prepare('SELECT client FROM leases WHERE address = ?').get('10.0.0.5'));
        reader.close();
      });
      // Nothing is on disk before the end of the turn.
      const early = new DatabaseSync(join(dir, 'dhcp.db'), { readOnly: true });
      expect(early.prepare('SELECT count(*) AS n FROM leases').get()).toEqual({ n: 0 });
      early.close();
    });
    expect(seen).toEqual({ client: 'c1' });
  });

  it('writes the leases of one turn in one commit', async () => {
    const { store: leases } = store();
    const order: string[] = [];
    await Promise.all(
      [1, 2, 3].map((n) =>
        committed((done) =>
          leases.put(lease(`10.0.0.${n}`, `c${n}`), (ok) => {
            order.push(`done ${n}`);
            done(ok);
          }),
        ),
      ),
    );
    expect(order).toEqual(['done 1', 'done 2', 'done 3']);
  });

  it('keeps every lease, ended bindings too, across a restart', async () => {
    const { store: first, dir } = store();
    first.put(lease('10.0.0.5', 'c1', NOW + 60_000, 'nas'));
    first.put(lease('10.0.0.6', 'c2', NOW - 1));
    first.close();
    const { store: again } = store(dir);
    expect(again.get('10.0.0.5')).toEqual(lease('10.0.0.5', 'c1', NOW + 60_000, 'nas'));
    expect(again.ofClient('c2')?.address).toBe('10.0.0.6');
    expect(again.active('10.0.0.6')).toBeUndefined();
  });

  it('never lets two clients hold one address', () => {
    const { store: leases } = store();
    expect(leases.put(lease('10.0.0.5', 'c1'))).toBe(true);
    expect(leases.put(lease('10.0.0.5', 'c2'))).toBe(false);
    expect(leases.get('10.0.0.5')?.client).toBe('c1');
  });

  it("gives an ended binding's address to another client, forgetting the old one", async () => {
    const { store: leases, dir } = store();
    leases.put(lease('10.0.0.5', 'c1', NOW - 1));
    await committed((done) => leases.put(lease('10.0.0.5', 'c2'), done));
    expect(leases.get('10.0.0.5')?.client).toBe('c2');
    expect(leases.ofClient('c1')).toBeUndefined();
    leases.close();
    expect(store(dir).store.ofClient('c1')).toBeUndefined();
  });

  it('keeps one row per client: moving to another address drops the old one', async () => {
    const { store: leases, dir } = store();
    await committed((done) => leases.put(lease('10.0.0.5', 'c1'), done));
    await committed((done) => leases.put(lease('10.0.0.9', 'c1'), done));
    expect(leases.get('10.0.0.5')).toBeUndefined();
    leases.close();
    const reopened = store(dir).store;
    expect([...reopened.all()].map((row) => row.address)).toEqual(['10.0.0.9']);
  });

  it('reports a failed commit and keeps only what is on disk', async () => {
    const { store: leases, dir } = store();
    await committed((done) => leases.put(lease('10.0.0.5', 'c1'), done));
    // Another connection holds the write lock: the group commit cannot begin.
    const blocker = new DatabaseSync(join(dir, 'dhcp.db'));
    blocker.exec('BEGIN IMMEDIATE');
    const ok = await committed((done) => leases.put(lease('10.0.0.6', 'c2'), done));
    blocker.exec('ROLLBACK');
    blocker.close();
    expect(ok).toBe(false);
    expect(leases.get('10.0.0.6')).toBeUndefined();
    expect(leases.get('10.0.0.5')?.client).toBe('c1');
  });

  it('hands a batch to the standby before its own fsync, and tells the writer once both hold it', async () => {
    const { store: leases, dir } = store();
    const onDiskWhenSent: unknown[] = [];
    let confirm = (): void => undefined;
    leases.replicateWith((changes) => {
      // The standby's copy is under way while the master's commit has not begun.
      const reader = new DatabaseSync(join(dir, 'dhcp.db'), { readOnly: true });
      onDiskWhenSent.push(reader.prepare('SELECT client FROM leases WHERE address = ?').get(changes[0]?.kind === 'upsert' ? changes[0].lease.address : ''));
      reader.close();
      return new Promise((done) => {
        confirm = done;
      });
    });
    let told: boolean | undefined;
    leases.put(lease('10.0.0.5', 'c1'), (ok) => {
      told = ok;
    });
    await new Promise((done) => setTimeout(done, 20));
    expect(onDiskWhenSent).toEqual([undefined]);
    expect(told).toBeUndefined(); // on the master's disk, not yet confirmed by the standby
    confirm();
    await new Promise((done) => setTimeout(done, 0));
    expect(told).toBe(true);
  });

  it('does not tell the writer of a failed commit, even when the standby confirmed it', async () => {
    const { store: leases, dir } = store();
    leases.replicateWith(() => Promise.resolve());
    const blocker = new DatabaseSync(join(dir, 'dhcp.db'));
    blocker.exec('BEGIN IMMEDIATE');
    const ok = await committed((done) => leases.put(lease('10.0.0.6', 'c2'), done));
    blocker.exec('ROLLBACK');
    blocker.close();
    expect(ok).toBe(false);
  });
});
