// What the admin API may ask of the running hearth. The app implements it;
// routes see only this, so each route file stays a thin layer over a service.
import type { Config } from '../config/schema.ts';
import type { ListReport, NameCheck } from '../dns/blocklist/blocklists.ts';
import type { QueryObserver } from '../dns/server.ts';
import type { DdnsRoutesContext } from './routes/ddns.ts';
import type { DhcpRoutesContext } from './routes/dhcp.ts';
import type { MetricsRoutesContext } from './routes/metrics.ts';
import type { QuerylogRoutesContext } from './routes/querylog.ts';
import type { StatsRoutesContext } from './routes/stats.ts';
import type { ZonesRoutesContext } from './routes/zones.ts';

/** A write as the standby hands it to the master, and the master's answer. */
export interface ForwardedWrite { readonly method: string; readonly url: string; readonly headers: Record<string, string>; readonly body?: string | undefined }
export interface ForwardedAnswer { readonly status: number; readonly contentType?: string | undefined; readonly body: string }

/** The observe and zone routes ask for their service by name (`metrics`,
 *  `stats`, `querylog`, `zones`), each declared beside its route. */
export interface ApiContext extends DdnsRoutesContext, DhcpRoutesContext, MetricsRoutesContext, QuerylogRoutesContext, StatsRoutesContext, ZonesRoutesContext {
  /** The config in force, as loaded and validated. */
  config(): Config;
  /** Validates nothing: the caller passes a parsed Config; writes it durably
   *  (see config/store.ts) and reloads hearth with it. */
  replaceConfig(config: Config): Promise<{ readonly version: number; readonly hash: string }>;
  /** Version and hash of the config in force (for HA sync). */
  configVersion(): { readonly version: number; readonly hash: string };
  /** Drops every cached upstream answer; returns how many. */
  flushCache(): number;
  /** Downloads the URL lists now and rebuilds the sets. */
  refreshLists(): Promise<void>;
  /** What the last build of the default view's lists read from each
   *  (GET /blocklists shows it when there). */
  listReports?(): readonly ListReport[];
  /** Is `name` blocked for the clients of `view` (default view when absent)? */
  checkName(name: string, view?: string): NameCheck | undefined;
  /** A pair's standby: the master's answer to a request that changes
   *  something; undefined when this node answers itself. */
  forwardWrite?(write: ForwardedWrite): Promise<ForwardedAnswer> | undefined;
  /** Subscribes to answered queries (the query log and statistics do). */
  addQueryObserver(observer: QueryObserver): void;
}
