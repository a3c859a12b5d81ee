// The admin API's port (api/context.ts) over the running hearth. Kept apart
// from app.ts so the app runs services and this file alone decides what the
// API sees of them: config reads go to the stored config, changes are written
// durably and then reloaded.
import type { ApiContext } from './api/context.ts';
import type { Config } from './config/schema.ts';
import type { ConfigStore, ConfigVersion } from './config/store.ts';
import type { ListReport } from './dns/blocklist/blocklists.ts';

/** What the API reaches in the running hearth (app.ts's Hearth has it all). */
export type RunningHearth = Omit<ApiContext, 'config' | 'replaceConfig' | 'listReports'> & {
  listReports(): readonly ListReport[];
  /** Swaps in services built from `config`, one reload at a time. */
  reload(config: Config): Promise<void>;
};

export function apiContext(running: RunningHearth, store: ConfigStore): ApiContext {
  return {
    stats: running.stats,
    metrics: running.metrics,
    querylog: running.querylog,
    zones: running.zones,
    ddns: running.ddns,
    // DHCP starts and stops with reloads: ask each time.
    get dhcp() {
      return running.dhcp;
    },
    get ha() {
      return running.ha;
    },
    // The stored config, not the one in force: a change made while a reload
    // runs must build on the change before it.
    config: () => store.current,
    configFile: () => store.file,
    replaceConfig: async (config: Config): Promise<ConfigVersion> => {
      const written = store.write(config);
      await running.reload(store.current);
      return written;
    },
    flushCache: () => running.flushCache(),
    refreshLists: () => running.refreshLists(),
    listReports: () => running.listReports(),
    checkName: (name, view) => running.checkName(name, view),
    forwardWrite: (write) => running.forwardWrite?.(write),
    pairSync: () => running.pairSync?.(),
  };
}
