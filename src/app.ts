// The composition root: builds each service from the config, starts them,
// reloads by building the new pieces beside the old and swapping, and stops.
import type { Config } from './config/schema.ts';
import { formatError } from './config/load.ts';
import { parseListenAddress, type ListenAddress } from './config/types.ts';
import { buildResolver, resolverDeps, type ResolverDeps } from './dns/resolver.ts';
import { DnsServer } from './dns/server.ts';
import type { Logger } from './observe/log.ts';

function listenAddresses(config: Config): ListenAddress[] {
  return config.dns.listen.flatMap((text) => parseListenAddress(text, 53) ?? []);
}

export class Hearth {
  private config: Config;
  private readonly log: Logger;
  private readonly dns: DnsServer;
  private readonly deps: ResolverDeps;

  private constructor(config: Config, log: Logger, dns: DnsServer, deps: ResolverDeps) {
    this.config = config;
    this.log = log;
    this.dns = dns;
    this.deps = deps;
  }

  static async start(config: Config, log: Logger): Promise<Hearth> {
    const deps = resolverDeps(log);
    const dns = new DnsServer(Hearth.resolverFor(config, deps), log);
    try {
      await dns.listen(listenAddresses(config));
    } catch (error) {
      deps.upstreams.closeAll();
      throw error;
    }
    log.info({ listen: config.dns.listen, views: config.dns.views.map((v) => v.name) }, 'hearth started');
    return new Hearth(config, log, dns, deps);
  }

  /** Swaps in a resolver built from `config`; sockets stay open, and
   *  upstreams the new config still uses keep their connections. */
  reload(config: Config): void {
    const resolver = Hearth.resolverFor(config, this.deps);
    if (JSON.stringify(config.dns.listen) !== JSON.stringify(this.config.dns.listen)) {
      this.log.warn({ listen: config.dns.listen }, 'dns.listen changed: takes effect on restart');
    }
    this.dns.setResolver(resolver);
    this.config = config;
    this.log.info('config reloaded');
  }

  async stop(): Promise<void> {
    await this.dns.close();
    this.deps.upstreams.closeAll();
    this.log.info('hearth stopped');
  }

  private static resolverFor(config: Config, deps: ResolverDeps) {
    const built = buildResolver(config.dns, deps);
    for (const error of built.errors) deps.log.error(formatError(error));
    deps.upstreams.retain(built.upstreams);
    deps.log.info({ zones: built.zoneCount, upstreams: built.upstreams.size }, 'resolver built');
    return built.resolver;
  }
}
