// DHCP lease replication. The master hands every batch of lease changes to
// the standby as it commits it and holds the clients' ACKs until the standby
// has them on disk too (Kea's hot-standby does the same), so a takeover never
// hands an ACKed address to a second client. The batch leaves before the
// master's own fsync (src/dhcp/leases.ts) and batches are pipelined (each a
// request of its own, answered by id), so the two fsyncs overlap and a slow
// confirmation does not hold back the next batch. The wait is bounded: past BOUND_MS
// the master ACKs anyway, marks the standby stale and later catches it up
// with a full snapshot. Lease ends travel as durations, not wall-clock times,
// so a clock skew between the Pis neither shortens nor lengthens a lease.
//
// A snapshot also merges: after a partition both nodes may have served, so
// the standby keeps (and reports back) any binding newer than the master's,
// "newer" being the later expiry (every binding runs the configured lease
// time from its client's last REQUEST, so the later end is the later transaction).
import { z } from 'zod';
import type { Logger } from '../../observe/log.ts';
import type { PairRole } from '../role.ts';
import type { PeerLink } from './link.ts';
import type { ReplicatedLeases, SyncedLease as Lease, SyncedLeaseChange as LeaseChange } from './ports.ts';

/** How long an ACK waits for the standby (the issue's ~200 ms). */
export const BOUND_MS = 200;
const SNAPSHOT_TIMEOUT_MS = 30_000;
const CATCH_UP_EVERY_MS = 1_000;

const wireLease = z.object({
  address: z.string(),
  client: z.string(),
  mac: z.string(),
  clientId: z.string().optional(),
  hostname: z.string().optional(),
  /** Milliseconds from the moment it was sent; negative: the binding has ended. */
  remainingMs: z.number(),
});
type WireLease = z.infer<typeof wireLease>;
const wireChange = z.union([z.object({ kind: z.literal('upsert'), lease: wireLease }), z.object({ kind: z.literal('remove'), address: z.string() })]);
const changesMessage = z.object({ changes: z.array(wireChange) });
const snapshotMessage = z.object({ leases: z.array(wireLease) });
const snapshotReply = z.object({ newer: z.array(wireLease) });

export interface LeaseSyncStatus {
  /** The standby missed a change (or was unreachable) and is not caught up yet. */
  readonly stale: boolean;
  readonly replicated: number;
  /** Batches ACKed without the standby's confirmation within BOUND_MS. */
  readonly unconfirmed: number;
  /** Bindings of one address to two clients found on a merge (the newer was kept). */
  readonly conflicts: number;
  readonly lastSnapshot: { readonly leases: number; readonly ms: number } | undefined;
}

export class LeaseReplicator {
  private readonly link: PeerLink;
  private readonly role: PairRole;
  private readonly log: Logger;
  private readonly now: () => number;
  private leases: ReplicatedLeases | undefined;
  /** Set until the first snapshot, and whenever the standby misses a change. */
  private stale = true;
  private snapshotting = false;
  private replicated = 0;
  private unconfirmed = 0;
  private conflicts = 0;
  private lastSnapshot: LeaseSyncStatus['lastSnapshot'];
  private readonly catchUp: NodeJS.Timeout;

  constructor(link: PeerLink, role: PairRole, log: Logger, now: () => number = Date.now) {
    this.link = link;
    this.role = role;
    this.log = log;
    this.now = now;
    link.handle('leases', (body) => this.applyChanges(body));
    link.handle('lease-snapshot', (body) => this.applySnapshot(body));
    link.onUp(() => void this.sendSnapshot());
    this.catchUp = setInterval(() => {
      if (this.stale) void this.sendSnapshot();
    }, CATCH_UP_EVERY_MS);
    this.catchUp.unref();
  }

  /** The DHCP service's leases, when DHCP is on (undefined when it stops). */
  use(leases: ReplicatedLeases | undefined): void {
    this.leases?.replicateWith(undefined);
    this.leases = leases;
    leases?.replicateWith((changes) => this.replicate(changes));
    this.stale = true;
  }

  /** This node just became master: the standby gets the whole table (and gives back what is newer there). */
  becameMaster(): void {
    this.stale = true;
  }

  status(): LeaseSyncStatus {
    return { stale: this.stale, replicated: this.replicated, unconfirmed: this.unconfirmed, conflicts: this.conflicts, lastSnapshot: this.lastSnapshot };
  }

  stop(): void {
    clearInterval(this.catchUp);
  }

  /** The gate in front of the ACKs: settles once the standby confirmed, or BOUND_MS after the batch left. */
  private replicate(changes: readonly LeaseChange[]): Promise<void> {
    if (this.role.state !== 'master') return Promise.resolve();
    if (!this.link.isUp) {
      this.stale = true;
      return Promise.resolve();
    }
    // A standby that missed the bound once is caught up by a snapshot; until
    // then ACKs do not wait for it again (a half-open link would cost every batch 200 ms).
    const waits = !this.stale;
    const sent = this.link.request('leases', { changes: changes.map((change) => this.toWire(change)) }, SNAPSHOT_TIMEOUT_MS).then(
      () => {
        this.replicated += changes.length;
      },
      (error: Error) => {
        this.stale = true;
        this.log.warn({ err: error.message }, 'DHCP lease changes did not reach the standby: it is caught up later');
      },
    );
    if (!waits) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((done) => {
      timer = setTimeout(() => {
        this.unconfirmed++;
        this.stale = true;
        done();
      }, BOUND_MS);
    });
    return Promise.race([sent, bound]).finally(() => clearTimeout(timer));
  }

  /** Master: the whole lease table, once the link is up and whenever the standby is stale. */
  private async sendSnapshot(): Promise<void> {
    const leases = this.leases;
    if (this.role.state !== 'master' || !leases || !this.link.isUp || this.snapshotting) return;
    this.snapshotting = true;
    this.stale = false;
    const started = performance.now();
    const table = [...leases.all()];
    try {
      const reply = snapshotReply.parse(
        await this.link.request('lease-snapshot', { leases: table.map((lease) => this.leaseToWire(lease)) }, SNAPSHOT_TIMEOUT_MS),
      );
      this.lastSnapshot = { leases: table.length, ms: Math.round(performance.now() - started) };
      this.log.info({ leases: table.length, ms: this.lastSnapshot.ms, newerOnStandby: reply.newer.length }, 'DHCP leases synced to the standby');
      this.adoptNewer(
        leases,
        reply.newer.map((wire) => this.fromWire(wire)),
      );
    } catch (error) {
      this.stale = true;
      this.log.warn({ err: (error as Error).message }, 'DHCP lease snapshot not taken by the standby');
    } finally {
      this.snapshotting = false;
    }
  }

  /** Master, after a partition: the standby's newer bindings win. */
  private adoptNewer(leases: ReplicatedLeases, newer: readonly Lease[]): void {
    const byAddress = new Map([...leases.all()].map((lease) => [lease.address, lease]));
    for (const lease of newer) {
      const mine = byAddress.get(lease.address);
      if (mine && mine.client !== lease.client && mine.expires > this.now()) {
        this.conflicts++;
        this.log.warn(
          { address: lease.address, kept: lease.mac, dropped: mine.mac },
          'DHCP: both nodes leased one address during a partition; the newer binding is kept',
        );
      }
      leases.apply({ kind: 'upsert', lease });
    }
  }

  /** Standby: one batch, confirmed once it is on disk. */
  private async applyChanges(body: unknown): Promise<number> {
    const { changes } = changesMessage.parse(body);
    await this.applyAll(
      this.requireLeases(),
      changes.map((change) => (change.kind === 'remove' ? change : { kind: 'upsert', lease: this.fromWire(change.lease) })),
    );
    return changes.length;
  }

  /** Standby: the master's table replaces its own, except bindings newer here (returned for the master to adopt). */
  private applySnapshot(body: unknown): Promise<{ newer: WireLease[] }> {
    const { leases: wire } = snapshotMessage.parse(body);
    const leases = this.requireLeases();
    const theirs = wire.map((each) => this.fromWire(each));
    const byAddress = new Map(theirs.map((lease) => [lease.address, lease]));
    const byClient = new Map(theirs.map((lease) => [lease.client, lease]));
    const newer: Lease[] = [];
    const changes: LeaseChange[] = [];
    for (const mine of [...leases.all()]) {
      const rival = byAddress.get(mine.address) ?? byClient.get(mine.client);
      if (mine.expires > this.now() && (!rival || mine.expires > rival.expires)) newer.push(mine);
      else if (!byAddress.has(mine.address)) changes.push({ kind: 'remove', address: mine.address });
    }
    const kept = new Set(newer.flatMap((lease) => [lease.address, lease.client]));
    for (const lease of theirs) if (!kept.has(lease.address) && !kept.has(lease.client)) changes.push({ kind: 'upsert', lease });
    const reply = { newer: newer.map((lease) => this.leaseToWire(lease)) };
    return this.applyAll(leases, changes).then(() => reply);
  }

  /** Applies `changes` in order; resolves once they are on disk. */
  private applyAll(leases: ReplicatedLeases, changes: readonly LeaseChange[]): Promise<void> {
    return new Promise((done, fail) => {
      if (changes.length === 0) return done();
      changes.forEach((change, i) =>
        leases.apply(change, i < changes.length - 1 ? undefined : (ok) => (ok ? done() : fail(new Error('the standby could not store the leases')))),
      );
    });
  }

  private requireLeases(): ReplicatedLeases {
    if (!this.leases) throw new Error('DHCP is off on this node');
    return this.leases;
  }

  private toWire(change: LeaseChange): z.infer<typeof wireChange> {
    return change.kind === 'remove' ? change : { kind: 'upsert', lease: this.leaseToWire(change.lease) };
  }

  private leaseToWire(lease: Lease): WireLease {
    const { address, client, mac, clientId, hostname } = lease;
    const optional = { ...(clientId === undefined ? {} : { clientId }), ...(hostname === undefined ? {} : { hostname }) };
    return { address, client, mac, ...optional, remainingMs: lease.expires - this.now() };
  }

  private fromWire(wire: WireLease): Lease {
    const { address, client, mac, clientId, hostname } = wire;
    return { address, client, mac, clientId, hostname, expires: this.now() + wire.remainingMs };
  }
}
