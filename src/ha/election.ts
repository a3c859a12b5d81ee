// The election: RFC 5798 §6.4's state machine (Initialize, Backup, Master)
// as pure logic. Time comes from an injected clock and adverts leave through
// an injected output, so tests drive every transition without sockets.
//
// Differences from VRRP, each for a reason the issue gives:
// - every node advertises, backups too (unicast heartbeats the sync channel
//   rides on, and a backup can ask for the VIP: `wantsMaster`);
// - preempt waits `preempt_delay` from the first advert heard from the
//   master, then asks the master to hand over instead of taking the VIP over
//   its head, so the VIP never has two holders: the master drops it and
//   sends priority 0, and the asker takes over at once;
// - health: an impaired node (see rank.ts) gives the VIP to a healthy peer.
import type { Advert } from './advert.ts';
import { outranks, type Standing } from './rank.ts';
import type { HaState } from './role.ts';

export interface ElectionClock {
  now(): number;
  /** Runs `fire` after `ms`; returns a function that cancels it. */
  after(ms: number, fire: () => void): () => void;
}

/** What the election asks of the world. */
export interface ElectionOutput {
  /** Sends an advert to every peer (the transport adds epoch, counter, time and MAC). */
  advertise(advert: Pick<Advert, 'state' | 'priority' | 'impaired' | 'wantsMaster' | 'intervalMs' | 'nodeId'>): void;
  transition(to: HaState, reason: string): void;
  /** Gratuitous ARP again: a lower-priority master was heard (keepalived #166). */
  reannounce(reason: string): void;
}

export interface ElectionSettings {
  readonly nodeId: string;
  /** 1-254 */
  readonly priority: number;
  /** This node's advert address, for ties. */
  readonly address: string;
  readonly intervalMs: number;
  readonly preempt: boolean;
  readonly preemptDelayMs: number;
  /** How many peers `ha.peers` lists. */
  readonly peerCount: number;
}

export interface PeerView {
  readonly address: string;
  readonly advert: Advert;
  /** When it arrived (clock ms). */
  readonly at: number;
}

export type Refusal = { readonly ok: false; readonly reason: string };
export type Outcome = { readonly ok: true } | Refusal;

export class Election {
  private current: HaState = 'init';
  private readonly peers = new Map<string, PeerView>();
  private impairedBy: string | undefined;
  private demoted = false;
  /** When this backup first heard the master it outranks (preempt_delay counts from there). */
  private preemptSince: number | undefined;
  private wantsMasterSince: number | undefined;
  private masterIntervalMs: number;
  private cancelDown: (() => void) | undefined;
  private cancelAdvert: (() => void) | undefined;
  private readonly settings: ElectionSettings;
  private readonly clock: ElectionClock;
  private readonly out: ElectionOutput;

  constructor(settings: ElectionSettings, clock: ElectionClock, out: ElectionOutput) {
    this.settings = settings;
    this.clock = clock;
    this.out = out;
    this.masterIntervalMs = settings.intervalMs;
  }

  get state(): HaState {
    return this.current;
  }
  get impairment(): string | undefined {
    return this.impairedBy;
  }
  get isDemoted(): boolean {
    return this.demoted;
  }
  /** 0 while impaired or demoted: what the ranking sees. */
  get effectivePriority(): number {
    return this.impaired ? 0 : this.settings.priority;
  }
  get peerViews(): readonly PeerView[] {
    return [...this.peers.values()];
  }

  /** §6.4.1: Initialize → Backup, waiting Master_Down_Interval for a master. */
  start(): void {
    if (this.current !== 'init') return;
    this.enter('backup', 'started: waiting for a master');
    this.tick();
  }

  /** A clean stop: priority 0 (§6.4.3 "Shutdown"), so a backup takes over at once. */
  stop(): void {
    if (this.current === 'init') return;
    this.cancelAdvert?.();
    this.cancelDown?.();
    this.send(0, this.current === 'master' ? 'master' : 'backup');
    this.current = 'init';
    this.out.transition('init', 'stopping');
  }

  /** An authenticated, fresh advert from `address`. */
  receive(address: string, advert: Advert): void {
    if (this.current === 'init') return;
    const previous = this.peers.get(address);
    this.peers.set(address, { address, advert, at: this.clock.now() });
    const peer: Standing = { impaired: advert.impaired, priority: advert.priority, address };
    if (this.current === 'backup') return this.backupHears(peer, advert, previous);
    return this.masterHears(peer, advert);
  }

  /** Health: a reason while a check fails, undefined once it passes again. */
  setImpaired(reason: string | undefined): void {
    if (reason === this.impairedBy) return;
    this.impairedBy = reason;
    this.preemptSince = undefined;
    this.wantsMasterSince = undefined;
    if (this.current === 'master' && reason !== undefined) {
      const healthy = this.livePeers().find((p) => !p.advert.impaired && p.advert.priority > 0);
      if (healthy) return this.yieldTo(`${reason}; ${healthy.advert.nodeId} is healthy`);
    }
    if (this.current !== 'init') this.send();
  }

  /** Maintenance: hand the VIP to the peer and stay backup until promote(). */
  demote(): Outcome {
    const live = this.livePeers().filter((p) => p.advert.priority > 0);
    if (live.length === 0) return { ok: false, reason: 'no live peer to take over' };
    this.demoted = true;
    this.wantsMasterSince = undefined;
    if (this.current === 'master') this.yieldTo('demoted through the API');
    else this.send();
    return { ok: true };
  }

  /** Lifts a demotion and asks for the VIP now, without preempt_delay. */
  promote(): Outcome {
    if (this.current === 'init') return { ok: false, reason: 'not running' };
    this.demoted = false;
    if (this.impairedBy !== undefined) return { ok: false, reason: `not healthy: ${this.impairedBy}` };
    if (this.current === 'master') return { ok: true };
    if (!this.liveMaster()) {
      this.becomeMaster('promoted through the API');
      return { ok: true };
    }
    this.wantsMasterSince = this.clock.now();
    this.send();
    return { ok: true };
  }

  private get impaired(): boolean {
    return this.demoted || this.impairedBy !== undefined;
  }

  private get standing(): Standing {
    return { impaired: this.impaired, priority: this.settings.priority, address: this.settings.address };
  }

  /** §6.4.2 Backup. */
  private backupHears(peer: Standing, advert: Advert, previous: PeerView | undefined): void {
    if (advert.state !== 'master') return;
    if (advert.priority === 0) {
      // The master leaves (clean stop, demotion, handing over): the best
      // backup takes over now; others wait Skew_Time as §6.4.2 says.
      if (this.demoted) return;
      const better = this.livePeers().some((p) => p.address !== peer.address && p.advert.priority > 0 && outranks(this.standingOf(p), this.standing));
      if (!better) return this.becomeMaster(`peer ${advert.nodeId} priority 0 (leaving)`);
      return this.armDown(this.skewMs());
    }
    this.masterIntervalMs = advert.intervalMs;
    if (previous?.advert.state !== 'master') this.preemptSince = undefined;
    if (this.settings.preempt && !this.impaired && outranks(this.standing, peer)) {
      const now = this.clock.now();
      this.preemptSince ??= now;
      if (this.wantsMasterSince === undefined && now - this.preemptSince >= this.settings.preemptDelayMs) {
        this.wantsMasterSince = now;
        this.send();
      }
      // A master that does not hand over when asked (say, a partition of
      // one direction): take the VIP as plain VRRP would; split-brain
      // resolution makes it yield when it hears us.
      if (this.wantsMasterSince !== undefined && now - this.wantsMasterSince >= this.masterDownMs()) {
        return this.becomeMaster(`preempting ${advert.nodeId} (priority ${advert.priority}), which did not hand over`);
      }
    } else {
      this.preemptSince = undefined;
    }
    this.armDown(this.masterDownMs());
  }

  /** §6.4.3 Master. */
  private masterHears(peer: Standing, advert: Advert): void {
    if (advert.state === 'master' && advert.priority > 0) {
      if (outranks(peer, this.standing)) return this.yieldTo(`split brain: ${advert.nodeId} (priority ${advert.priority}) outranks this node`);
      // We win: say so at once, and move the clients' ARP caches back to us.
      this.send();
      this.out.reannounce(`a lower-priority master, ${advert.nodeId}, was heard`);
      return;
    }
    if (advert.wantsMaster && !advert.impaired) return this.yieldTo(`${advert.nodeId} (priority ${advert.priority}) asked for the VIP`);
    if (this.impaired && !advert.impaired && advert.priority > 0) return this.yieldTo(`${this.impairedBy ?? 'demoted'}; ${advert.nodeId} is healthy`);
  }

  private becomeMaster(reason: string): void {
    this.cancelDown?.();
    this.cancelDown = undefined;
    this.preemptSince = undefined;
    this.wantsMasterSince = undefined;
    this.enter('master', reason);
    this.send();
  }

  /** Master → Backup in order: the VIP goes first (the transition), then
   *  priority 0 tells the peer to take it at once: never two holders. */
  private yieldTo(reason: string): void {
    this.enter('backup', reason);
    this.send(0, 'master');
    this.armDown(this.masterDownMs());
  }

  private enter(to: HaState, reason: string): void {
    this.current = to;
    this.out.transition(to, reason);
  }

  /** Adverts go out every interval in every state (§6.4.3's Adver_Timer, for backups too). */
  private tick(): void {
    this.send();
    this.cancelAdvert = this.clock.after(this.settings.intervalMs, () => this.tick());
    if (this.current === 'backup' && this.cancelDown === undefined) this.armDown(this.masterDownMs());
  }

  private send(priority = this.settings.priority, state: 'backup' | 'master' = this.current === 'master' ? 'master' : 'backup'): void {
    this.out.advertise({
      nodeId: this.settings.nodeId,
      state,
      priority,
      impaired: this.impaired,
      wantsMaster: this.current === 'backup' && this.wantsMasterSince !== undefined,
      intervalMs: this.settings.intervalMs,
    });
  }

  private armDown(ms: number): void {
    this.cancelDown?.();
    const armedAt = this.clock.now();
    this.cancelDown = this.clock.after(ms, () => {
      this.cancelDown = undefined;
      if (this.current !== 'backup' || this.demoted) return;
      const master = this.lastMaster();
      const silent = master
        ? `peer ${master.advert.nodeId} silent for ${Math.round(this.clock.now() - master.at)} ms`
        : `no master heard for ${Math.round(this.clock.now() - armedAt)} ms`;
      this.becomeMaster(silent);
    });
  }

  /** §6.1: Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256. It
   *  exists so that of several backups racing for a dead master the highest
   *  wins; a pair that has heard its master has one backup and no race, so
   *  it takes over without it (a dead master is noticed ~150 ms sooner).
   *  At start, with no master heard, both nodes race and the skew decides. */
  private skewMs(): number {
    if (this.settings.peerCount === 1 && this.lastMaster() !== undefined) return 0;
    return Math.floor(((256 - this.settings.priority) * this.masterIntervalMs) / 256);
  }

  /** §6.1: Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time. */
  private masterDownMs(): number {
    return 3 * this.masterIntervalMs + this.skewMs();
  }

  private livePeers(): PeerView[] {
    const now = this.clock.now();
    return [...this.peers.values()].filter((p) => now - p.at <= 3 * p.advert.intervalMs + this.skewMs());
  }

  private liveMaster(): PeerView | undefined {
    return this.livePeers().find((p) => p.advert.state === 'master' && p.advert.priority > 0);
  }

  private lastMaster(): PeerView | undefined {
    return [...this.peers.values()].filter((p) => p.advert.state === 'master').sort((a, b) => b.at - a.at)[0];
  }

  private standingOf(peer: PeerView): Standing {
    return { impaired: peer.advert.impaired, priority: peer.advert.priority, address: peer.address };
  }
}
