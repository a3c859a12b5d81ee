// Builds the resolver of a whole config: one chain per view, each from the
// default view's settings with the view's own keys replacing whole keys.
import { readFileSync } from 'node:fs';
import type { SourceError } from '../diagnostics/source-error.ts';
import type { CloakingConfig, DnsConfig } from './config.ts';
import type { Logger } from '../observe/log.ts';
import { Blocklists, type BlocklistRef } from './blocklist/blocklists.ts';
import { AnswerCache } from './cache/cache.ts';
import { CloakingMatcher } from './cloaking/matcher.ts';
import { mergeCloakRules, parseCloakingRules, type CloakRule } from './cloaking/rules.ts';
import { parseName } from './name.ts';
import type { Name } from './record.ts';
import { buildChain } from './stages/index.ts';
import { InFlightLimit } from './upstream/in-flight.ts';
import { UpstreamPool } from './upstream/pool.ts';
import { UpstreamRegistry } from './upstream/registry.ts';
import type { Upstream } from './upstream/upstream.ts';
import { DEFAULT_VIEW, Views, type View } from './views.ts';
import type { ZoneJournal } from './update/journal.ts';
import { loadZonesDir, type LastGoodZones } from './zones/load.ts';
import { Zone } from './zones/zone.ts';
import { ZoneSet } from './zones/zoneset.ts';

/** What a view resolves with: the default view's keys, with a view's own keys replacing whole keys. */
type ViewSettings = Pick<DnsConfig, 'zones_dir' | 'cloaking' | 'blocking' | 'upstreams' | 'forward' | 'cache'>;

/** Long-lived parts a resolver borrows, so they survive reloads. */
export interface ResolverDeps {
  readonly upstreams: UpstreamRegistry;
  readonly blocklists: Blocklists;
  readonly lastGoodZones: LastGoodZones;
  /** One ZoneSet per zones_dir, kept across reloads: the chains of the old
   *  and the new config share it, so no update lands in a set being retired. */
  readonly zoneSets: Map<string, ZoneSet>;
  /** Updates accepted at run time, replayed over the zone files; none for `hearth check`. */
  readonly journal: ZoneJournal | undefined;
  /** Each view's cache by view name, kept while its cache settings stay the same. */
  readonly caches: Map<string, { readonly settings: string; readonly cache: AnswerCache }>;
  /** Queries waiting for upstreams, counted across reloads. */
  readonly inFlight: InFlightLimit;
  readonly log: Logger;
}

/** Fresh long-lived parts, for a process's first build. */
export function resolverDeps(log: Logger, dataDir: string, journal?: ZoneJournal): ResolverDeps {
  return {
    upstreams: new UpstreamRegistry(),
    blocklists: new Blocklists(dataDir, log),
    lastGoodZones: new Map(),
    zoneSets: new Map(),
    journal,
    caches: new Map(),
    inFlight: new InFlightLimit(Infinity),
    log,
  };
}

export interface BuiltResolver {
  readonly resolver: Views;
  /** Problems in zone and rule files; the parts with problems are left out. */
  readonly errors: readonly SourceError[];
  /** Records left out of zones that are served (out-of-zone data, as BIND ignores it). */
  readonly warnings: readonly SourceError[];
  readonly zoneCount: number;
  /** Every upstream the chains use (the registry closes the others). */
  readonly upstreams: ReadonlySet<Upstream>;
  /** Every pool the chains use, for the upstream health metrics. */
  readonly pools: readonly UpstreamPool[];
  /** Each view's lists, by view name (for GET /blocklists/check). */
  readonly viewLists: ReadonlyMap<string, BlocklistRef>;
}

/** `hostZones`: zones the default view serves when no zone file defines
 *  them (DHCP's domain and reverse zone, so its names have somewhere to go). */
export function buildResolver(dns: DnsConfig, deps: ResolverDeps, hostZones: readonly Zone[] = []): BuiltResolver {
  const errors: SourceError[] = [];
  const warnings: SourceError[] = [];
  deps.inFlight.max = dns.max_in_flight;
  const used = new Set<Upstream>();
  const pools: UpstreamPool[] = [];
  const viewLists = new Map<string, BlocklistRef>();
  // Views that share a zones_dir share its zones, loaded once.
  const loadedDirs = new Set<string>();
  const loadZones = (dir: string, generated: readonly Zone[]): ZoneSet => {
    let set = deps.zoneSets.get(dir);
    if (!set) deps.zoneSets.set(dir, (set = new ZoneSet(dir)));
    if (loadedDirs.has(dir)) return set;
    loadedDirs.add(dir);
    const loaded = loadZonesDir(dir, deps.lastGoodZones);
    errors.push(...loaded.errors);
    warnings.push(...loaded.warnings);
    const files = new Set(loaded.zones.map((zone) => zone.origin));
    const zones = [...loaded.zones, ...generated.filter((zone) => !files.has(zone.origin))];
    set.load(
      zones.map((zone) => replayJournal(zone, dir, deps, errors)),
      zones,
    );
    return set;
  };
  const poolOf = (servers: readonly string[], settings: ViewSettings['upstreams']): UpstreamPool => {
    const upstreams = servers.map((url) => deps.upstreams.get(url, { bootstrap: settings.bootstrap, caFile: settings.ca_file }));
    for (const upstream of upstreams) used.add(upstream);
    const pool = new UpstreamPool(upstreams, settings.strategy, settings.timeout_ms, deps.log);
    pools.push(pool);
    return pool;
  };
  // Views that inherit the default view's cloaking share its matcher, parsed once.
  const cloakers = new Map<CloakingConfig, CloakingMatcher>();
  const cloakerOf = (config: CloakingConfig, configKey: string): CloakingMatcher => {
    let matcher = cloakers.get(config);
    if (!matcher) {
      matcher = new CloakingMatcher(loadCloakingRules(config, configKey, errors));
      cloakers.set(config, matcher);
    }
    return matcher;
  };
  const cacheOf = (view: string, settings: ViewSettings['cache']): AnswerCache => {
    const key = JSON.stringify(settings);
    const kept = deps.caches.get(view);
    if (kept?.settings === key) return kept.cache;
    const cache = new AnswerCache(settings);
    deps.caches.set(view, { settings: key, cache });
    return cache;
  };
  const listsOf = (view: string, blocking: ViewSettings['blocking']): BlocklistRef => {
    const ref = deps.blocklists.ref(blocking);
    viewLists.set(view, ref);
    return ref;
  };
  const buildView = (name: string, settings: ViewSettings, keyPrefix: string): View => {
    const routes = new Map<Name, UpstreamPool>();
    for (const route of settings.forward) {
      const pool = poolOf(route.servers, settings.upstreams);
      for (const domain of route.domains) routes.set(parseName(domain.endsWith('.') ? domain : `${domain}.`), pool);
    }
    const zones = loadZones(settings.zones_dir, name === DEFAULT_VIEW ? hostZones : []);
    return {
      name,
      zones,
      chain: buildChain({
        zones,
        cloaking: cloakerOf(settings.cloaking, `${keyPrefix}cloaking.rules`),
        cloakTtl: settings.cloaking.ttl,
        blocking: { lists: listsOf(name, settings.blocking), mode: settings.blocking.mode, customIp: settings.blocking.custom_ip },
        forwardRoutes: routes,
        upstreams: settings.upstreams.servers.length > 0 ? poolOf(settings.upstreams.servers, settings.upstreams) : undefined,
        cache: settings.cache.max_entries > 0 ? cacheOf(name, settings.cache) : undefined,
        inFlight: deps.inFlight,
      }),
    };
  };
  const fallback = buildView(DEFAULT_VIEW, dns, 'dns.');
  const views = dns.views.map((view, i) => ({
    ...buildView(
      view.name,
      {
        zones_dir: view.zones_dir ?? dns.zones_dir,
        cloaking: view.cloaking ?? dns.cloaking,
        blocking: view.blocking ?? dns.blocking,
        upstreams: view.upstreams ?? dns.upstreams,
        forward: view.forward ?? dns.forward,
        cache: dns.cache,
      },
      view.cloaking ? `dns.views[${i}].` : 'dns.',
    ),
    clients: view.clients,
  }));
  for (const view of deps.caches.keys()) {
    if (view !== DEFAULT_VIEW && !dns.views.some((v) => v.name === view)) deps.caches.delete(view);
  }
  for (const dir of deps.zoneSets.keys()) if (!loadedDirs.has(dir)) deps.zoneSets.delete(dir);
  const zoneCount = [...loadedDirs].reduce((sum, dir) => sum + (deps.zoneSets.get(dir)?.size ?? 0), 0);
  return { resolver: new Views(fallback, views), errors, warnings, zoneCount, upstreams: used, pools, viewLists };
}

function replayJournal(zone: Zone, dir: string, deps: ResolverDeps, errors: SourceError[]): Zone {
  const replayed = deps.journal?.replay(dir, zone) ?? zone;
  if (replayed instanceof Zone) return replayed;
  errors.push(...replayed.map((message) => ({ file: `${dir}/${zone.origin}.zone`, line: 0, message: `journaled updates left out: ${message}` })));
  return zone;
}

function loadCloakingRules(config: CloakingConfig, configKey: string, errors: SourceError[]): CloakRule[] {
  const inline = parseCloakingRules(config.rules.join('\n'), `config:${configKey}`);
  const rules = [...inline.rules];
  errors.push(...inline.errors);
  for (const file of config.files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      errors.push({ file, line: 0, message: `cannot read cloaking rules: ${(error as Error).message}` });
      continue;
    }
    const parsed = parseCloakingRules(text, file);
    rules.push(...parsed.rules);
    errors.push(...parsed.errors);
  }
  // Conflicts across files (a name cloaked to an address here, to a name there).
  const merged = mergeCloakRules(rules);
  errors.push(...merged.errors);
  return merged.rules;
}
