// Builds the resolver of a whole config: one chain per view, each from the
// default view's settings with the view's own keys replacing whole keys.
import { readFileSync } from 'node:fs';
import type { SourceError } from '../config/load.ts';
import type { CloakingConfig, DnsConfig } from '../config/schema.ts';
import { CloakingMatcher } from './cloaking/matcher.ts';
import { mergeCloakRules, parseCloakingRules, type CloakRule } from './cloaking/rules.ts';
import { buildChain } from './stages/index.ts';
import { DEFAULT_VIEW, Views, type View } from './views.ts';
import { loadZonesDir, type LoadedZones } from './zones/load.ts';
import { ZoneSet } from './zones/zoneset.ts';

export interface BuiltResolver {
  readonly resolver: Views;
  /** Problems in zone and rule files; the parts with problems are left out. */
  readonly errors: readonly SourceError[];
  readonly zoneCount: number;
}

export function buildResolver(dns: DnsConfig): BuiltResolver {
  const errors: SourceError[] = [];
  // Views that share a zones_dir share its zones, loaded once.
  const zoneDirs = new Map<string, LoadedZones>();
  const loadZones = (dir: string): ZoneSet => {
    let loaded = zoneDirs.get(dir);
    if (!loaded) {
      loaded = loadZonesDir(dir);
      zoneDirs.set(dir, loaded);
      errors.push(...loaded.errors);
    }
    return new ZoneSet(loaded.zones);
  };
  const buildView = (name: string, zonesDir: string, cloaking: CloakingConfig, configKey: string): View => ({
    name,
    chain: buildChain({
      zones: loadZones(zonesDir),
      cloaking: new CloakingMatcher(loadCloakingRules(cloaking, configKey, errors)),
      cloakTtl: cloaking.ttl,
    }),
  });
  const fallback = buildView(DEFAULT_VIEW, dns.zones_dir, dns.cloaking, 'dns.cloaking.rules');
  const views = dns.views.map((view, i) => ({
    ...buildView(view.name, view.zones_dir ?? dns.zones_dir, view.cloaking ?? dns.cloaking,
      view.cloaking ? `dns.views[${i}].cloaking.rules` : 'dns.cloaking.rules'),
    clients: view.clients,
  }));
  const zoneCount = [...zoneDirs.values()].reduce((sum, loaded) => sum + loaded.zones.length, 0);
  return { resolver: new Views(fallback, views), errors, zoneCount };
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
