// The dynamic-DNS updater as the app sees it: built from the `ddns:` config,
// run by its cron schedule (and once at start), reconfigured on reload,
// asked for its status by GET /ddns and to update now by POST /ddns/update
// and `hearth ddns update [--force]`.
//
// A run finds the home's address of each family ddns.ip names, once, then
// brings every record up to date (record-updater.ts). Runs never overlap:
// one asked for while another is under way starts after it.
//
// updateNow({ force }) sends updates even where nothing changed and ignores
// backoff, but does not touch stopped records: a bad password stays stopped
// until the owner fixes it (the config or the secret file changes). After
// fixing what only the provider's side could (a host blocked for abuse, a
// host added to the account), updateNow({ resume: true }) lifts the stops.
import { schedule, type ScheduledTask } from 'node-cron';
import type { Logger } from '../observe/log.ts';
import { FAMILIES, familyKey, type Family } from './address.ts';
import type { DdnsConfig, IpConfig } from './config.ts';
import { createDetector } from './detect/detector.ts';
import type { AddressDetector, Detection } from './detect/detection.ts';
import { RecordUpdater, type RecordDeps, type RunOptions } from './record-updater.ts';
import { DdnsState } from './state.ts';
import type { DdnsStatus, DetectedStatus } from './status.ts';

export interface DdnsUpdaterOptions {
  readonly config: DdnsConfig;
  /** state.db goes here. */
  readonly dataDir: string;
  readonly log: Logger;
  /** ms since the epoch */
  readonly now?: () => number;
  /** [0, 1), for backoff jitter */
  readonly random?: () => number;
  /** Time allowed for each request to a provider (default 15 s). */
  readonly timeoutMs?: number;
  /** Builds the address detector from ddns.ip (tests replace it). */
  readonly detector?: (ip: IpConfig) => AddressDetector;
}

export interface UpdateNowOptions extends RunOptions {
  /** Lift the stops of stopped records first. */
  readonly resume?: boolean;
}

export class DdnsUpdater {
  private config: DdnsConfig;
  private readonly state: DdnsState;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly makeDetector: (ip: IpConfig) => AddressDetector;
  private readonly deps: RecordDeps;
  private detector: AddressDetector;
  private records: RecordUpdater[];
  private readonly detected = new Map<Family, { readonly detection: Detection; readonly at: number }>();
  private task: ScheduledTask | undefined;
  private started = false;
  private queue: Promise<void> = Promise.resolve();
  private running = 0;
  private lastRun: number | undefined;
  /** False on a pair's standby: only the master updates the public records. */
  private active = true;

  private constructor(options: DdnsUpdaterOptions, state: DdnsState) {
    this.config = options.config;
    this.state = state;
    this.log = options.log;
    this.now = options.now ?? Date.now;
    this.makeDetector = options.detector ?? createDetector;
    this.detector = this.makeDetector(options.config.ip);
    this.deps = { state, log: options.log, now: this.now, random: options.random ?? Math.random, timeoutMs: options.timeoutMs ?? 15_000 };
    this.records = options.config.records.map((record) => new RecordUpdater(record, this.deps));
  }

  /** Opens <data_dir>/state.db; nothing runs until start() or updateNow(). */
  static async open(options: DdnsUpdaterOptions): Promise<DdnsUpdater> {
    const updater = new DdnsUpdater(options, await DdnsState.open(options.dataDir));
    await updater.state.keepOnly(new Set(updater.records.map((record) => record.id)));
    return updater;
  }

  /** Runs on the schedule, and once now (while there are records). */
  start(): void {
    this.started = true;
    this.scheduleRuns();
  }

  /** Stops the schedule, waits for a run under way, and closes state.db: the updater is done. */
  async close(): Promise<void> {
    this.started = false;
    await this.task?.destroy();
    this.task = undefined;
    await this.queue;
    await this.state.close();
  }

  /** Takes a reloaded config: records kept as they were keep their backoff;
   *  a changed record starts afresh (and a stop lifts once its identity
   *  differs). Runs at once when records or the address source changed. */
  async reconfigure(config: DdnsConfig): Promise<void> {
    const before = this.config;
    this.config = config;
    const kept = new Map(this.records.map((record) => [JSON.stringify(record.record), record]));
    this.records = config.records.map((record) => kept.get(JSON.stringify(record)) ?? new RecordUpdater(record, this.deps));
    await this.state
      .keepOnly(new Set(this.records.map((record) => record.id)))
      .catch((error: unknown) => this.log.error({ err: error }, 'ddns: cannot forget removed records in state.db'));
    const ipChanged = JSON.stringify(before.ip) !== JSON.stringify(config.ip);
    if (ipChanged) this.detector = this.makeDetector(config.ip);
    if (before.schedule !== config.schedule || config.records.length === 0) {
      await this.task?.destroy();
      this.task = undefined;
    }
    if (!this.started) return;
    if (!this.task) return this.scheduleRuns();
    if (ipChanged || JSON.stringify(before.records) !== JSON.stringify(config.records)) void this.run({});
  }

  /** A pair's standby stops running (its master does the updates); becoming master, it runs again. */
  setActive(active: boolean): void {
    const resumed = active && !this.active;
    this.active = active;
    if (resumed && this.started && this.task) void this.run({});
  }

  /** What the updater remembers (last confirmed addresses, stops), for the pair's standby. */
  remembered(): Record<string, unknown> {
    return this.state.entriesNow();
  }

  /** The master's memory as this node's: a takeover sends nothing when nothing changed. */
  remember(entries: Record<string, unknown>): Promise<void> {
    return this.state.adopt(entries);
  }

  /** One run now, after any run under way; resolves with the status after it. */
  async updateNow(options: UpdateNowOptions = {}): Promise<DdnsStatus> {
    await this.run(options);
    return this.status();
  }

  status(): DdnsStatus {
    const families = this.families();
    const next = this.task?.getNextRun();
    return {
      enabled: this.config.records.length > 0,
      schedule: this.config.schedule,
      running: this.running > 0,
      lastRun: this.lastRun === undefined ? null : new Date(this.lastRun).toISOString(),
      nextRun: next ? next.toISOString() : null,
      addresses: { v4: this.detectedStatus(4), v6: this.detectedStatus(6) },
      records: this.records.map((record) => ({
        provider: record.record.provider,
        name: record.record.name,
        stopped: record.stopped(),
        v4: families.includes(4) ? record.status(4) : null,
        v6: families.includes(6) ? record.status(6) : null,
      })),
    };
  }

  private scheduleRuns(): void {
    if (this.task || this.config.records.length === 0) return;
    const log = this.log.child({ cron: 'ddns update' });
    this.task = schedule(this.config.schedule, () => this.run({}), {
      name: 'ddns update',
      noOverlap: true,
      logger: {
        info: (m) => log.info(m),
        warn: (m) => log.warn(m),
        error: (m, err) => log.error({ err }, String(m)),
        debug: (m, err) => log.debug({ err }, String(m)),
      },
    });
    void this.run({});
  }

  private run(options: UpdateNowOptions): Promise<void> {
    const next = this.queue
      .then(() => this.cycle(options))
      .catch((error: unknown) => {
        this.log.error({ err: error }, 'ddns run failed');
      });
    this.queue = next;
    return next;
  }

  private async cycle(options: UpdateNowOptions): Promise<void> {
    if (!this.active) return;
    this.running += 1;
    try {
      await this.state.reload().catch((error: unknown) => this.log.error({ err: error }, 'ddns: cannot read state.db; going by what this process knows'));
      if (options.resume) {
        for (const record of this.records) if (this.state.stopOf(record.id)) await this.state.resume(record.id);
      }
      const detections = new Map<Family, Detection>();
      await Promise.all(
        this.families().map(async (family) => {
          const detection = await this.detector.detect(family);
          this.noteDetection(family, detection);
          detections.set(family, detection);
        }),
      );
      const records = this.records;
      const results = await Promise.allSettled(records.map((record) => record.sync(detections, options)));
      results.forEach((result, i) => {
        if (result.status === 'rejected') this.log.error({ err: result.reason, ddns: records[i]!.id }, 'ddns record run failed');
      });
      this.lastRun = this.now();
    } finally {
      this.running -= 1;
    }
  }

  /** Logs a family's address once when it appears, changes or goes missing, not at every run. */
  private noteDetection(family: Family, detection: Detection): void {
    const before = this.detected.get(family)?.detection;
    this.detected.set(family, { detection, at: this.now() });
    const key = familyKey(family);
    if (detection.kind === 'found' && (before?.kind !== 'found' || before.address !== detection.address)) {
      this.log.info({ family: key, address: detection.address, from: detection.from }, 'ddns: public address found');
    } else if (detection.kind === 'missing' && before?.kind !== 'missing') {
      this.log.warn({ family: key, reason: detection.reason }, 'ddns: no public address of this family; its records are left alone');
    }
  }

  private families(): Family[] {
    return FAMILIES.filter((family) => this.config.ip[familyKey(family)]);
  }

  private detectedStatus(family: Family): DetectedStatus | null {
    const seen = this.detected.get(family);
    if (!seen || !this.families().includes(family)) return null;
    const { detection } = seen;
    return {
      address: detection.kind === 'found' ? detection.address : null,
      detail: detection.kind === 'found' ? detection.from : detection.reason,
      at: new Date(seen.at).toISOString(),
    };
  }
}
