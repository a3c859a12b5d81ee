// The composition root: builds each service from the config, starts them,
// reloads by building the new pieces beside the old and swapping, and stops.
import { schedule, type ScheduledTask } from 'node-cron';
import type { Config } from './config/schema.ts';
import { formatError } from './config/load.ts';
import { parseListenAddress, type ListenAddress } from './config/types.ts';
import { buildResolver, resolverDeps, type ResolverDeps } from './dns/resolver.ts';
import { DnsServer } from './dns/server.ts';
import type { Views } from './dns/views.ts';
import type { Logger } from './observe/log.ts';

function listenAddresses(config: Config): ListenAddress[] {
  return config.dns.listen.flatMap((text) => parseListenAddress(text, 53) ?? []);
}

export class Hearth {
  private config: Config;
  private readonly log: Logger;
  private readonly dns: DnsServer;
  private readonly deps: ResolverDeps;
  private listRefresh: ScheduledTask;

  private constructor(config: Config, log: Logger, dns: DnsServer, deps: ResolverDeps) {
    this.config = config;
    this.log = log;
    this.dns = dns;
    this.deps = deps;
    this.listRefresh = this.scheduleListRefresh(config);
  }

  static async start(config: Config, log: Logger): Promise<Hearth> {
    const deps = resolverDeps(log, config.data_dir);
    const dns = new DnsServer(await Hearth.resolverFor(config, deps), log);
    try {
      await dns.listen(listenAddresses(config));
    } catch (error) {
      deps.upstreams.closeAll();
      throw error;
    }
    log.info({ listen: config.dns.listen, views: config.dns.views.map((v) => v.name) }, 'hearth started');
    const hearth = new Hearth(config, log, dns, deps);
    // Blocking works from the files and saved copies already; fresh
    // downloads replace them when they arrive.
    void hearth.refreshLists();
    return hearth;
  }

  /** Swaps in a resolver built from `config`; sockets stay open, and
   *  upstreams, caches and lists the new config still uses are kept. */
  async reload(config: Config): Promise<void> {
    const resolver = await Hearth.resolverFor(config, this.deps);
    if (JSON.stringify(config.dns.listen) !== JSON.stringify(this.config.dns.listen)) {
      this.log.warn({ listen: config.dns.listen }, 'dns.listen changed: takes effect on restart');
    }
    this.dns.setResolver(resolver);
    if (config.dns.blocking.refresh !== this.config.dns.blocking.refresh) {
      void this.listRefresh.stop();
      this.listRefresh = this.scheduleListRefresh(config);
    }
    this.config = config;
    this.log.info('config reloaded');
  }

  /** Downloads the URL lists and rebuilds the sets (the schedule calls this too). */
  refreshLists(): Promise<unknown> {
    return this.deps.blocklists.refresh().catch((error: unknown) => this.log.error({ err: error }, 'list refresh failed'));
  }

  async stop(): Promise<void> {
    await this.listRefresh.stop();
    await this.dns.close();
    this.deps.upstreams.closeAll();
    this.log.info('hearth stopped');
  }

  private scheduleListRefresh(config: Config): ScheduledTask {
    return schedule(config.dns.blocking.refresh, () => void this.refreshLists(), { name: 'blocklist refresh', noOverlap: true });
  }

  private static async resolverFor(config: Config, deps: ResolverDeps): Promise<Views> {
    const built = buildResolver(config.dns, deps);
    deps.upstreams.retain(built.upstreams);
    deps.blocklists.retain(built.blocklists);
    // New list configs are built before the swap, so no query slips through unblocked.
    await deps.blocklists.load('unbuilt');
    for (const error of [...built.errors, ...deps.blocklists.errors()]) deps.log.error(formatError(error));
    deps.log.info({ zones: built.zoneCount, upstreams: built.upstreams.size, blocklists: built.blocklists.size }, 'resolver built');
    return built.resolver;
  }
}
