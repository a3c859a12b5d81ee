// `hearth check`: the config, its zone files, rule files, lists and keys, as
// `hearth run` would load them. A URL list not downloaded yet is a note: a
// fresh install has not fetched it, and hearth runs without it until it has.
import { loadConfig } from '../config/load.ts';
import type { SourceError } from '../diagnostics/source-error.ts';
import { NOT_DOWNLOADED } from '../dns/blocklist/blocklists.ts';
import { buildResolver, resolverDeps } from '../dns/resolver.ts';
import { loadTsigKeys } from '../dns/tsig/keys.ts';
import { haHostErrors } from '../ha/check.ts';
import { createLogger } from '../observe/log.ts';

export interface CheckResult {
  readonly errors: readonly SourceError[];
  /** Records a zone is served without (as named-checkzone still says OK). */
  readonly warnings: readonly SourceError[];
  readonly notes: readonly SourceError[];
}

export async function checkConfig(file: string | undefined): Promise<CheckResult> {
  const loaded = loadConfig(file);
  const errors: SourceError[] = loaded.ok ? [] : [...loaded.errors];
  const warnings: SourceError[] = [];
  const notes: SourceError[] = [];
  const config = loaded.ok ? loaded.config : loaded.partial;
  if (config) {
    const deps = resolverDeps(createLogger('silent'), config.data_dir);
    const built = buildResolver(config.dns, deps);
    errors.push(...built.errors);
    warnings.push(...built.warnings);
    await deps.blocklists.load();
    for (const error of deps.blocklists.errors()) (error.message === NOT_DOWNLOADED ? notes : errors).push(error);
    deps.upstreams.closeAll();
    const where = file ?? '(built-in default)';
    errors.push(...loadTsigKeys(config.dns_update).errors.map((message) => ({ file: where, line: 0, message })));
    errors.push(...haHostErrors(config.ha, config.dns.listen).map((message) => ({ file: where, line: 0, message })));
  }
  return { errors, warnings, notes };
}
