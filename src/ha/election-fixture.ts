// A fake clock and a fake LAN for the election's tests: nodes exchange
// adverts through a queue with a small delay, partitions drop them, and
// every transition is recorded in order with its time.
import type { Advert } from './advert.ts';
import { Election, type ElectionClock, type ElectionSettings } from './election.ts';
import type { HaState } from './role.ts';

export class FakeClock implements ElectionClock {
  private time = 1_000_000;
  private timers: { at: number; seq: number; fire: () => void }[] = [];
  private seq = 0;

  now(): number {
    return this.time;
  }

  after(ms: number, fire: () => void): () => void {
    const timer = { at: this.time + ms, seq: this.seq++, fire };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Runs every timer due within `ms`, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = next.at;
      next.fire();
    }
    this.time = end;
  }
}

export interface Transition {
  readonly node: string;
  readonly to: HaState;
  readonly reason: string;
  readonly at: number;
}

/** One-way link delay. */
const DELAY_MS = 1;

export class FakeLan {
  readonly clock = new FakeClock();
  readonly transitions: Transition[] = [];
  readonly reannounced: string[] = [];
  readonly nodes = new Map<string, Election>();
  /** "from>to" pairs whose adverts are dropped. */
  readonly blocked = new Set<string>();
  /** Nodes that died without a word (kill -9): they neither send nor hear. */
  readonly dead = new Set<string>();
  private counter = 0n;

  add(name: string, settings: Partial<ElectionSettings> & { address: string }): Election {
    const full: ElectionSettings = { nodeId: name, priority: 100, intervalMs: 250, preempt: true, preemptDelayMs: 0, peerCount: 1, ...settings };
    const election = new Election(full, this.clock, {
      advertise: (body) => {
        if (this.dead.has(name)) return;
        const advert: Advert = { ...body, epoch: 1n, counter: ++this.counter, sentAt: this.clock.now() };
        for (const [other, peer] of this.nodes) {
          if (other === name || this.blocked.has(`${name}>${other}`)) continue;
          this.clock.after(DELAY_MS, () => {
            if (!this.dead.has(other)) peer.receive(full.address, advert);
          });
        }
      },
      transition: (to, reason) => this.transitions.push({ node: name, to, reason, at: this.clock.now() }),
      reannounce: () => this.reannounced.push(name),
    });
    this.nodes.set(name, election);
    return election;
  }

  partition(a: string, b: string): void {
    this.blocked.add(`${a}>${b}`);
    this.blocked.add(`${b}>${a}`);
  }

  heal(): void {
    this.blocked.clear();
  }

  masters(): string[] {
    return [...this.nodes].filter(([name, e]) => e.state === 'master' && !this.dead.has(name)).map(([name]) => name);
  }

  /** The most masters at any moment since `since`, replaying the transitions. */
  mostMastersSince(since: number): number {
    const state = new Map<string, HaState>();
    let most = 0;
    for (const t of this.transitions) {
      state.set(t.node, t.to);
      if (t.at >= since) most = Math.max(most, [...state.values()].filter((s) => s === 'master').length);
    }
    return most;
  }
}
