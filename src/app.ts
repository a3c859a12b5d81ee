// The composition root: builds each service from the config (wiring.ts),
// starts them, reloads by building the new pieces beside the old and
// swapping, and stops. The admin API sees it through api-adapter.ts.
import { readFileSync } from 'node:fs';
import { schedule, type ScheduledTask } from 'node-cron';
import type { ApiApp } from './api/api-app.ts';
import type { ForwardedAnswer, ForwardedWrite } from './api/context.ts';
import { ApiError } from './api/errors.ts';
import { startApi } from './api/server.ts';
import { apiContext } from './api-adapter.ts';
import { formatError } from './diagnostics/source-error.ts';
import { configSchema, type Config } from './config/schema.ts';
import type { ConfigStore } from './config/store.ts';
import type { ListReport, NameCheck } from './dns/blocklist/blocklists.ts';
import { parseName } from './dns/name.ts';
import { buildResolver, resolverDeps, type BuiltResolver, type ResolverDeps } from './dns/resolver.ts';
import { Admission } from './dns/gate/admission.ts';
import { DnsServer, type AnsweredQuery, type QueryObserver } from './dns/server.ts';
import type { TsigKeyring } from './dns/tsig/keyring.ts';
import { UpdateHandler } from './dns/update/handler.ts';
import { LocalZones } from './dns/update/local-zones.ts';
import { ZoneJournal } from './dns/update/journal.ts';
import { ZoneUpdater } from './dns/update/updater.ts';
import { DEFAULT_VIEW } from './dns/views.ts';
import { DdnsUpdater } from './ddns/updater.ts';
import type { DhcpService } from './dhcp/dhcp-service.ts';
import { Pair, type PairServices } from './ha/pair.ts';
import type { PairRole } from './ha/role.ts';
import { PairSync, type PairState, type PairSyncStatus } from './ha/sync/pair-sync.ts';
import type { Logger } from './observe/log.ts';
import { Metrics } from './observe/metrics.ts';
import { QueryLog } from './observe/querylog.ts';
import { Stats } from './observe/stats.ts';
import { pairZones } from './pair-adapter.ts';
import { dhcpServiceFor, dhcpZones, keyringOf, listenAddresses } from './wiring.ts';

/** Hearth always journals zone updates (`hearth check` reads zones without). */
type AppDeps = ResolverDeps & { readonly journal: ZoneJournal };

export class Hearth {
  readonly stats = new Stats();
  readonly metrics: Metrics;
  readonly querylog: QueryLog | undefined;
  /** The local zones, for the API's record routes. */
  readonly zones: LocalZones;
  /** Keeps the public DNS records pointing at the house (idle without records). */
  readonly ddns: DdnsUpdater;
  private readonly store: ConfigStore;
  private readonly log: Logger;
  private readonly dns: DnsServer;
  private readonly deps: AppDeps;
  private readonly observers: QueryObserver[] = [];
  private built: BuiltResolver;
  private inForce: Config;
  private listRefresh: ScheduledTask;
  private api: ApiApp | undefined;
  /** Reloads run one at a time, in the order asked. */
  private reloading: Promise<unknown> = Promise.resolve();

  private readonly updater: ZoneUpdater;
  private readonly updates: UpdateHandler;
  private keyring: TsigKeyring;
  /** Running while dhcp.enabled (and, with ha.enabled, while this node is master). */
  private dhcpService: DhcpService | undefined;
  /** The failover pair (election and VIP), while ha.enabled. */
  private pair: Pair | undefined;
  /** The pair's state sync with the peer, while ha.enabled. */
  private sync: PairSync | undefined;

  private constructor(store: ConfigStore, log: Logger, deps: AppDeps, built: BuiltResolver, querylog: QueryLog | undefined, ddns: DdnsUpdater) {
    this.store = store;
    this.ddns = ddns;
    this.log = log;
    this.deps = deps;
    this.built = built;
    this.inForce = store.current;
    this.querylog = querylog;
    this.dns = new DnsServer(built.resolver, log);
    this.dns.admit(new Admission(store.current.dns));
    this.updater = new ZoneUpdater(deps.journal, log);
    this.zones = new LocalZones(this.updater, () => this.built.resolver);
    this.keyring = keyringOf(store.current, log);
    this.updates = new UpdateHandler({
      updater: this.updater,
      zonesFor: (client) => this.built.resolver.select(client.address).zones,
      policy: () => this.keyring,
      now: () => Date.now() / 1000,
      log,
    });
    this.dns.acceptSigned(this.updates);
    this.metrics = new Metrics({
      cacheEntries: () => [...deps.caches.values()].reduce((sum, { cache }) => sum + cache.size, 0),
      blocklists: () => deps.blocklists.sizes(),
      upstreams: () => this.built.pools.flatMap((pool) => pool.status()),
      querylogDropped: () => querylog?.dropped ?? 0,
      dhcpLeases: () => this.dhcpService?.activeLeaseCount() ?? 0,
    });
    this.addQueryObserver((answered) => this.stats.observe(answered));
    this.addQueryObserver((answered) => this.metrics.observe(answered));
    if (querylog) this.addQueryObserver((answered) => querylog.observe(answered));
    this.listRefresh = this.scheduleListRefresh(store.current);
  }

  static async start(store: ConfigStore, log: Logger, options: { readonly role?: PairRole } = {}): Promise<Hearth> {
    const config = store.current;
    const journal = new ZoneJournal(config.data_dir, log);
    const deps = { ...resolverDeps(log, config.data_dir, journal), journal };
    const built = await Hearth.resolverFor(config, deps);
    const querylog = config.querylog.enabled
      ? await QueryLog.open({ dataDir: config.data_dir, retentionSeconds: config.querylog.retention, maxRows: config.querylog.max_rows, log })
      : undefined;
    const ddns = await DdnsUpdater.open({ config: config.ddns, dataDir: config.data_dir, log });
    const hearth = new Hearth(store, log, deps, built, querylog, ddns);
    try {
      await hearth.dns.listen(listenAddresses(config));
      await hearth.applyDhcp(config);
      ddns.start();
      hearth.api = await startApi(apiContext(hearth, store), config.api, log);
      // Last: a node that may take the VIP is ready to serve at it; the sync
      // follows the election's role from its first transition on.
      if (config.ha.enabled) await hearth.startPair(config, options.role);
    } catch (error) {
      await hearth.stop();
      throw error;
    }
    log.info({ listen: config.dns.listen, api: config.api.listen, views: config.dns.views.map((v) => v.name) }, 'hearth started');
    // Blocking works from the files and saved copies already; fresh
    // downloads replace them when they arrive.
    void hearth.refreshLists();
    return hearth;
  }

  /** Swaps in a resolver built from `config`; sockets stay open, and
   *  upstreams, caches and lists the new config still uses are kept. */
  reload(config: Config): Promise<void> {
    const next = this.reloading.then(() => this.apply(config));
    this.reloading = next.catch(() => undefined);
    return next;
  }

  async stop(): Promise<void> {
    // First: the peer takes the VIP over at once (priority 0).
    await this.pair?.stop();
    await this.sync?.stop();
    await this.listRefresh.stop();
    await this.dhcpService?.stop();
    await this.ddns.close();
    await this.api?.close();
    await this.dns.close();
    await this.querylog?.close();
    this.deps.upstreams.closeAll();
    this.deps.journal.close();
    this.log.info('hearth stopped');
  }

  // What the admin API reaches (through api-adapter.ts).

  get dhcp(): DhcpService | undefined {
    return this.dhcpService;
  }

  get ha(): Pair | undefined {
    return this.pair;
  }

  /** The pair's sync (GET /ha): undefined when this node is not in a pair. */
  pairSync(): PairSyncStatus | undefined {
    return this.sync?.status();
  }

  /** On a pair's standby, the master's answer to an API write (503 when it is out of reach). */
  forwardWrite(write: ForwardedWrite): Promise<ForwardedAnswer> | undefined {
    return this.sync?.forwardApi(write)?.catch((error: unknown) => {
      throw new ApiError(503, 'master_unreachable', (error as Error).message);
    });
  }

  flushCache(): number {
    return [...this.deps.caches.values()].reduce((sum, { cache }) => sum + cache.flush(), 0);
  }

  async refreshLists(): Promise<void> {
    // A pair's standby takes the master's copies instead (the list hosts see one house).
    if (this.sync && !this.sync.downloadsLists) return;
    await this.deps.blocklists.refresh().catch((error: unknown) => this.log.error({ err: error }, 'list refresh failed'));
    this.sync?.filesChanged();
  }

  listReports(): readonly ListReport[] {
    return this.built.viewLists.get(DEFAULT_VIEW)?.reports ?? [];
  }

  checkName(name: string, view = DEFAULT_VIEW): NameCheck | undefined {
    return this.built.viewLists.get(view)?.check(parseName(name.endsWith('.') ? name : `${name}.`));
  }

  private addQueryObserver(observer: QueryObserver): void {
    this.observers.push(observer);
    const observers = [...this.observers];
    this.dns.observe((answered: AnsweredQuery) => {
      for (const each of observers) each(answered);
    });
  }

  private async apply(config: Config): Promise<void> {
    const built = await Hearth.resolverFor(config, this.deps);
    if (JSON.stringify(config.dns.listen) !== JSON.stringify(this.inForce.dns.listen)) {
      this.log.warn({ listen: config.dns.listen }, 'dns.listen changed: takes effect on restart');
    }
    if (JSON.stringify(config.ha) !== JSON.stringify(this.inForce.ha)) this.log.warn('ha changed: takes effect on restart');
    this.dns.setResolver(built.resolver);
    this.dns.admit(new Admission(config.dns));
    this.built = built;
    this.keyring = keyringOf(config, this.log);
    await this.applyDhcp(config).catch((error: unknown) => this.log.error({ err: error }, 'DHCP config not applied'));
    await this.ddns.reconfigure(config.ddns);
    if (config.dns.blocking.refresh !== this.inForce.dns.blocking.refresh) {
      void this.listRefresh.stop();
      this.listRefresh = this.scheduleListRefresh(config);
    }
    this.inForce = config;
    this.log.info({ version: this.store.version }, 'config reloaded');
    this.sync?.configChanged();
  }

  /** Starts, reconfigures or stops the DHCP server to match `config`. */
  private async applyDhcp(config: Config): Promise<void> {
    if (!config.dhcp.enabled) {
      this.sync?.useDhcp(undefined);
      await this.dhcpService?.stop();
      this.dhcpService = undefined;
      return;
    }
    if (this.dhcpService) return this.dhcpService.reconfigure(config.dhcp);
    // In a pair, option 54 is the VIP, so renewals reach whichever node holds it.
    const vip = config.ha.enabled && config.ha.vip !== undefined ? config.ha.vip.split('/')[0] : undefined;
    const service = await dhcpServiceFor(config, this.updater, () => this.built.resolver.fallbackView.zones, this.log, vip);
    // In a pair, only the master answers DHCP: never two servers on the LAN.
    // Closed until the sync, which follows the role, opens it on the master.
    if (config.ha.enabled) service.serve(false);
    this.sync?.useDhcp(service);
    try {
      await service.start();
    } catch (error) {
      this.sync?.useDhcp(undefined);
      await service.stop();
      throw error;
    }
    this.dhcpService = service;
  }

  /** The election (unless `role` is given: tests drive the role themselves),
   *  then the sync, which follows the role: on the backup, UPDATEs and API
   *  writes go to the master, and DHCP keeps its leases but answers nobody. */
  private async startPair(config: Config, role: PairRole | undefined): Promise<void> {
    const elected = role ?? (this.pair = await Pair.start(config.ha, this.pairServices(config)));
    this.sync = await PairSync.start({ state: this.pairState(), role: elected, log: this.log });
    if (!this.sync) return;
    this.dns.acceptSigned(this.sync.forwardUpdates(this.updates));
    this.sync.useDhcp(this.dhcpService);
    this.sync.serveApi((write) => this.injectApi(write));
  }

  private pairServices(config: Config): PairServices {
    return {
      dns: this.dns,
      dnsListen: listenAddresses(config),
      dnsTimeoutMs: config.dns.upstreams.timeout_ms,
      upstreams: () => this.built.pools.flatMap((pool) => pool.status()).map((upstream) => upstream.up),
      registry: this.metrics.registry,
      log: this.log,
    };
  }

  /** What the pair's sync reads and replaces: a config from the master is
   *  written and hot-reloaded as PUT /config does; zones follow its journal. */
  private pairState(): PairState {
    return {
      config: {
        current: () => this.store.current,
        version: () => this.store.version,
        adopt: async (config: unknown, version: number) => {
          this.store.write(configSchema.parse(config), version);
          await this.reload(this.store.current);
        },
      },
      zones: pairZones(this.deps.journal, this.updater, () => this.deps.zoneSets),
      ddns: this.ddns,
      reload: () => this.reload(this.store.current),
    };
  }

  /** Runs a write the standby forwarded through this node's own API. The
   *  standby checked its client's token or session, and the sync channel
   *  authenticated the standby, so the write carries this node's own token. */
  private async injectApi(write: ForwardedWrite): Promise<ForwardedAnswer> {
    if (!this.api) throw new Error('the API is not running');
    const token = readFileSync(this.store.current.api.token_file, 'utf8').trim();
    const headers = { ...write.headers, authorization: `Bearer ${token}` };
    const response = await this.api.inject({
      method: write.method as 'POST',
      url: write.url,
      headers,
      ...(write.body === undefined ? {} : { payload: write.body }),
    });
    const contentType = response.headers['content-type'];
    return { status: response.statusCode, contentType: typeof contentType === 'string' ? contentType : undefined, body: response.body };
  }

  private scheduleListRefresh(config: Config): ScheduledTask {
    return schedule(config.dns.blocking.refresh, () => void this.refreshLists(), { name: 'blocklist refresh', noOverlap: true });
  }

  private static async resolverFor(config: Config, deps: ResolverDeps): Promise<BuiltResolver> {
    const built = buildResolver(config.dns, deps, dhcpZones(config));
    deps.upstreams.retain(built.upstreams);
    deps.blocklists.retain(new Set(built.viewLists.values()));
    // New list configs (and edited list files) are built before the swap, so
    // no query slips through unblocked.
    await deps.blocklists.load('changed');
    for (const error of [...built.errors, ...deps.blocklists.errors()]) deps.log.error(formatError(error));
    for (const warning of built.warnings) deps.log.warn(formatError(warning));
    deps.log.info({ zones: built.zoneCount, upstreams: built.upstreams.size }, 'resolver built');
    return built;
  }
}
