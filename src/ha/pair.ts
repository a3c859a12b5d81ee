// The failover pair as hearth runs it: the election (election.ts) fed by
// authenticated adverts (transport.ts, inbox.ts) and health (health.ts), and
// what follows each transition, in one step and in order: the VIP and its
// DNS listeners, gratuitous ARP, the notify commands, then whoever subscribed
// through PairRole (the sync channel, which opens DHCP on the master only).
import type { Registry } from 'prom-client';
import { parseListenAddress, type ListenAddress } from '../values/listen-address.ts';
import type { Logger } from '../observe/log.ts';
import { runCommand, type RunCommand } from './command.ts';
import type { HaConfig } from './config.ts';
import { haHostErrors } from './check.ts';
import { Election, type Outcome } from './election.ts';
import { HealthWatch } from './health.ts';
import { AdvertInbox, type RejectReason } from './inbox.ts';
import { IpBatch } from './ip-batch.ts';
import { registerPairMetrics } from './metrics.ts';
import { notifyAll } from './notify.ts';
import type { HaState, PairRole } from './role.ts';
import { readPairSecret } from './secret.ts';
import { pairStatus, type PairStatus, type TransitionRecord } from './status.ts';
import { AdvertSocket } from './transport.ts';
import { Vip } from './vip.ts';

/** What the pair needs from the rest of hearth. */
export interface PairServices {
  /** Opens DNS listeners at run time; what it returns closes them. */
  readonly dns: { attach(addresses: readonly ListenAddress[]): Promise<() => Promise<void>> };
  /** `dns.listen`: its ports are served on the VIP too, its first address is self-checked. */
  readonly dnsListen: readonly ListenAddress[];
  /** Longer than an upstream may take (`dns.upstreams.timeout_ms`). */
  readonly dnsTimeoutMs: number;
  /** Each upstream: up or backed off. */
  readonly upstreams: () => readonly boolean[];
  readonly registry: Registry;
  readonly log: Logger;
  readonly run?: RunCommand;
}

const KEPT_TRANSITIONS = 50;
/** A lower-priority master heard every advert must not mean a GARP storm. */
const REANNOUNCE_EVERY_MS = 1000;
/** The longest a clean stop keeps the VIP for a peer that does not take it. */
const HAND_OVER_LIMIT_MS = 1000;

export class Pair implements PairRole {
  private readonly config: HaConfig;
  private readonly services: PairServices;
  private readonly log: Logger;
  private readonly run: RunCommand;
  private readonly vip: Vip;
  private readonly ip = new IpBatch();
  private readonly election: Election;
  private readonly inbox: AdvertInbox;
  private readonly health: HealthWatch;
  private readonly listeners = new Set<(to: HaState, reason: string) => void>();
  private readonly history: TransitionRecord[] = [];
  private readonly counts = new Map<HaState, number>();
  private socket: AdvertSocket | undefined;
  private closeVipListeners: (() => Promise<void>) | undefined;
  /** Transitions are acted on one after the other, in order. */
  private acting: Promise<void> = Promise.resolve();
  private lastReannounce = 0;
  private readonly loggedRejections = new Set<string>();
  private stopping = false;
  /** Set while a clean stop waits for the peer to take over. */
  private peerIsMaster: (() => void) | undefined;

  private constructor(config: HaConfig, services: PairServices, secret: Buffer) {
    this.config = config;
    this.services = services;
    this.log = services.log;
    this.run = services.run ?? runCommand;
    this.vip = new Vip(config.interface, config.vip!, (args) => this.ip.run(args), this.run, this.log);
    const listen = parseListenAddress(config.listen, 5399)!;
    this.election = new Election(
      {
        nodeId: config.node_id,
        priority: config.priority,
        address: listen.host,
        intervalMs: config.advert_interval_ms,
        preempt: config.preempt,
        preemptDelayMs: config.preempt_delay * 1000,
        peerCount: config.peers.length,
      },
      { now: () => performance.now(), after: afterPendingIo },
      {
        advertise: (body) => this.socket?.send(body),
        transition: (to, reason) => this.transitioned(to, reason),
        reannounce: (reason) => this.reannounce(reason),
      },
    );
    const peers = new Set(
      config.peers.map((text) => parseListenAddress(text, 5399)!).map(({ host, port }) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`)),
    );
    this.inbox = new AdvertInbox(secret, peers, Date.now, (from, advert) => {
      this.election.receive(from, advert);
      if (advert.state === 'master' && advert.priority > 0) this.peerIsMaster?.();
    });
    this.health = new HealthWatch({
      dns: config.track.dns ? services.dnsListen[0] : undefined,
      dnsDeadlineMs: services.dnsTimeoutMs + 500,
      upstreams: config.track.upstreams ? services.upstreams : undefined,
      lagLimitMs: 3 * config.advert_interval_ms,
      everyMs: Math.max(500, 4 * config.advert_interval_ms),
      report: (reason) => {
        this.log.warn(reason === undefined ? 'ha: health checks pass again' : `ha: ${reason}`);
        this.election.setImpaired(reason);
      },
    });
    registerPairMetrics(services.registry, () => ({
      state: this.state,
      vipHeld: this.vip.held,
      transitions: this.counts,
      sent: this.socket?.sent ?? 0,
      received: this.inbox.received,
      rejected: this.inbox.rejected,
    }));
  }

  /** Checks the host, removes a stale VIP, opens the advert socket and starts as backup. */
  static async start(config: HaConfig, services: PairServices): Promise<Pair> {
    const errors = haHostErrors(
      config,
      services.dnsListen.map(({ host, port }) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`)),
    );
    if (errors.length > 0) throw new Error(`the ha section cannot run here:\n  ${errors.join('\n  ')}`);
    const secret = readPairSecret(config.secret_file!);
    const pair = new Pair(config, services, secret);
    try {
      await pair.vip.remove();
      const listen = parseListenAddress(config.listen, 5399)!;
      const peers = config.peers.map((text) => parseListenAddress(text, 5399)!);
      pair.socket = await AdvertSocket.open(listen, peers, secret, (datagram, from) => pair.heard(datagram, from));
    } catch (error) {
      pair.ip.close();
      throw error;
    }
    pair.election.start();
    pair.health.start();
    return pair;
  }

  get state(): HaState {
    return this.election.state;
  }

  onTransition(listener: (to: HaState, reason: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  status(): PairStatus {
    return pairStatus({
      config: this.config,
      election: this.election,
      vipHeld: this.vip.held,
      vip: this.vip.address,
      history: this.history,
      inbox: this.inbox,
      sent: this.socket?.sent ?? 0,
      health: this.health.checks,
    });
  }

  async promote(): Promise<Outcome> {
    const outcome = this.election.promote();
    await this.acting;
    return outcome;
  }

  async demote(): Promise<Outcome> {
    const outcome = this.election.demote();
    await this.acting;
    return outcome;
  }

  /** A clean stop: priority 0 first, so the peer takes over at once; the
   *  VIP goes once the peer has had time to take it (handOver). */
  async stop(): Promise<void> {
    this.health.stop();
    this.stopping = true;
    this.election.stop();
    await this.acting;
    this.ip.close();
    await this.socket?.close();
  }

  private heard(datagram: Buffer, from: { address: string; port: number }): void {
    const rejected = this.inbox.handle(datagram, from);
    if (rejected === undefined) return;
    // The first of each kind from each sender: a wrong secret says so once, not four times a second.
    const key = `${rejected} ${from.address}`;
    if (this.loggedRejections.has(key)) return;
    this.loggedRejections.add(key);
    this.log.warn(`ha: advert from ${from.address}:${from.port} rejected: ${REJECTION_TEXT[rejected]} (counted in hearth_ha_adverts_rejected_total)`);
  }

  private transitioned(to: HaState, reason: string): void {
    const from = this.history.at(-1)?.to ?? 'init';
    this.history.push({ at: new Date().toISOString(), from, to, reason });
    if (this.history.length > KEPT_TRANSITIONS) this.history.shift();
    this.counts.set(to, (this.counts.get(to) ?? 0) + 1);
    this.log.info({ ha: { from, to } }, `ha: ${from} → ${to}: ${reason}`);
    this.acting = this.acting
      .then(() => this.enact(to))
      .catch((error: unknown) => {
        this.log.error({ err: error }, `ha: acting on ${to} failed`);
        if (to === 'master') this.election.setImpaired(`could not take the VIP: ${(error as Error).message}`);
      })
      .then(() => {
        void notifyAll(this.config.notify, to, this.run, this.log);
        for (const listener of this.listeners) listener(to, reason);
      });
  }

  private async enact(to: HaState): Promise<void> {
    if (to === 'master') {
      await this.vip.add();
      // The first GARP's arping starts while the sockets bind: both take a
      // few ms, and clients send nothing here before the GARP reaches them.
      this.vip.announce();
      this.lastReannounce = performance.now();
      this.closeVipListeners ??= await this.services.dns.attach(this.services.dnsListen.map(({ port }) => ({ host: this.vip.address, port })));
      return;
    }
    if (to === 'init' && this.stopping && this.vip.held) await this.handOver();
    // Listeners first: a socket on an address being removed would answer nothing.
    await this.closeVipListeners?.();
    this.closeVipListeners = undefined;
    await this.vip.remove();
  }

  /** On a clean stop the VIP stays, still answering, until the peer says it
   *  is master and one advert interval more for its VIP and GARP (bounded):
   *  clients whose ARP cache still points here are answered meanwhile,
   *  instead of sending into a removed address. */
  private handOver(): Promise<void> {
    const live = this.election.peerViews.some((peer) => performance.now() - peer.at < 3 * peer.advert.intervalMs);
    if (!live) return Promise.resolve();
    const interval = this.config.advert_interval_ms;
    return new Promise((done) => {
      const bound = setTimeout(done, HAND_OVER_LIMIT_MS);
      this.peerIsMaster = () => {
        this.peerIsMaster = undefined;
        clearTimeout(bound);
        setTimeout(done, interval);
      };
    });
  }

  private reannounce(reason: string): void {
    if (!this.vip.held || performance.now() - this.lastReannounce < REANNOUNCE_EVERY_MS) return;
    this.lastReannounce = performance.now();
    this.log.info(`ha: gratuitous ARP again: ${reason}`);
    this.vip.announce([0, 100, 300]);
  }
}

/** A timer that, when due, first lets the event loop read what arrived
 *  meanwhile (setImmediate runs after the poll phase): after a stall (a GC
 *  pause, a busy start) the adverts that came during it count before the
 *  silence they disprove, instead of a master-down timer firing first. */
function afterPendingIo(ms: number, fire: () => void): () => void {
  let cancelled = false;
  let immediate: NodeJS.Immediate | undefined;
  const timer = setTimeout(() => {
    immediate = setImmediate(() => {
      if (!cancelled) fire();
    });
  }, ms);
  return () => {
    cancelled = true;
    clearTimeout(timer);
    if (immediate) clearImmediate(immediate);
  };
}

const REJECTION_TEXT: Record<RejectReason, string> = {
  unknown_peer: 'the sender is not in ha.peers',
  malformed: 'not a hearth advert',
  bad_mac: 'bad MAC (is the pair secret the same on both nodes?)',
  replay: 'a replayed advert (its counter did not go up)',
  clock: 'its timestamp is far from this clock (check NTP on both nodes)',
};
