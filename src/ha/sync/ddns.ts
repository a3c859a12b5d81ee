// DDNS updater state: only the master updates the public records; the
// standby keeps the master's memory of the last confirmed addresses (and
// the records stopped by an error), so after a takeover it sends nothing
// when the address did not change (providers ban clients that repeat
// updates, ddclient#544).
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { Logger } from '../../observe/log.ts';
import type { HaState, PairRole } from '../role.ts';
import type { PeerLink } from './link.ts';

/** What the sync needs of the updater (DdnsUpdater has it). */
export interface PairDdns {
  setActive(active: boolean): void;
  remembered(): Record<string, unknown>;
  remember(entries: Record<string, unknown>): Promise<void>;
}

const message = z.object({ entries: z.record(z.string(), z.unknown()) });
const CHECK_EVERY_MS = 5_000;

export class DdnsReplicator {
  private readonly link: PeerLink;
  private readonly role: PairRole;
  private readonly ddns: PairDdns;
  private readonly log: Logger;
  private readonly timer: NodeJS.Timeout;
  private lastSent: Record<string, unknown> | undefined;

  constructor(link: PeerLink, role: PairRole, ddns: PairDdns, log: Logger) {
    this.link = link;
    this.role = role;
    this.ddns = ddns;
    this.log = log;
    ddns.setActive(role.state === 'master');
    link.handle('ddns-state', (body) => this.ddns.remember(message.parse(body).entries).then(() => true));
    link.onUp(() => {
      this.lastSent = undefined;
      this.offer();
    });
    this.timer = setInterval(() => this.offer(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  /** The election moved: the master updates, the standby waits. */
  follow(to: HaState): void {
    this.ddns.setActive(to === 'master');
    if (to === 'master') this.offer();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Master: the state, when it changed since it was last sent. */
  private offer(): void {
    if (this.role.state !== 'master' || !this.link.isUp) return;
    const entries = this.ddns.remembered();
    if (this.lastSent && isDeepStrictEqual(entries, this.lastSent)) return;
    this.lastSent = entries;
    this.link.request('ddns-state', { entries }, 10_000).catch((error: Error) => {
      this.lastSent = undefined;
      this.log.warn({ err: error.message }, 'ddns state not synced to the standby');
    });
  }
}
