// The composition root: builds each service from the config (wiring.ts),
// starts them, reloads by building the new pieces beside the old and
// swapping, and stops. The admin API sees it through api-adapter.ts.
import { schedule, type ScheduledTask } from 'node-cron';
import type { ApiApp } from './api/api-app.ts';
import { startApi } from './api/server.ts';
import { apiContext } from './api-adapter.ts';
import { formatError } from './diagnostics/source-error.ts';
import type { Config } from './config/schema.ts';
import type { ConfigStore } from './config/store.ts';
import type { ListReport, NameCheck } from './dns/blocklist/blocklists.ts';
import { parseName } from './dns/name.ts';
import { buildResolver, resolverDeps, type BuiltResolver, type ResolverDeps } from './dns/resolver.ts';
import { DnsServer, type AnsweredQuery, type QueryObserver } from './dns/server.ts';
import type { TsigKeyring } from './dns/tsig/keyring.ts';
import { UpdateHandler } from './dns/update/handler.ts';
import { LocalZones } from './dns/update/local-zones.ts';
import { ZoneJournal } from './dns/update/journal.ts';
import { ZoneUpdater } from './dns/update/updater.ts';
import { DEFAULT_VIEW } from './dns/views.ts';
import { DdnsUpdater } from './ddns/updater.ts';
import { DhcpService } from './dhcp/dhcp-service.ts';
import type { Logger } from './observe/log.ts';
import { Metrics } from './observe/metrics.ts';
import { QueryLog } from './observe/querylog.ts';
import { Stats } from './observe/stats.ts';
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
  private keyring: TsigKeyring;
  /** Running while dhcp.enabled. */
  private dhcpService: DhcpService | undefined;

  private constructor(store: ConfigStore, log: Logger, deps: AppDeps, built: BuiltResolver, querylog: QueryLog | undefined, ddns: DdnsUpdater) {
    this.store = store;
    this.ddns = ddns;
    this.log = log;
    this.deps = deps;
    this.built = built;
    this.inForce = store.current;
    this.querylog = querylog;
    this.dns = new DnsServer(built.resolver, log);
    this.updater = new ZoneUpdater(deps.journal, log);
    this.zones = new LocalZones(this.updater, () => this.built.resolver);
    this.keyring = keyringOf(store.current, log);
    this.dns.acceptSigned(new UpdateHandler({
      updater: this.updater,
      zonesFor: (client) => this.built.resolver.select(client.address).zones,
      policy: () => this.keyring,
      now: () => Date.now() / 1000,
      log,
    }));
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

  static async start(store: ConfigStore, log: Logger): Promise<Hearth> {
    const config = store.current;
    const journal = new ZoneJournal(config.data_dir);
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

  flushCache(): number {
    return [...this.deps.caches.values()].reduce((sum, { cache }) => sum + cache.flush(), 0);
  }

  async refreshLists(): Promise<void> {
    await this.deps.blocklists.refresh().catch((error: unknown) => this.log.error({ err: error }, 'list refresh failed'));
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
    this.dns.setResolver(built.resolver);
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
  }

  /** Starts, reconfigures or stops the DHCP server to match `config`. */
  private async applyDhcp(config: Config): Promise<void> {
    if (!config.dhcp.enabled) {
      await this.dhcpService?.stop();
      this.dhcpService = undefined;
      return;
    }
    if (this.dhcpService) return this.dhcpService.reconfigure(config.dhcp);
    const service = dhcpServiceFor(config, this.updater, () => this.built.resolver.fallbackView.zones, this.log);
    try {
      await service.start();
    } catch (error) {
      await service.stop();
      throw error;
    }
    this.dhcpService = service;
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
