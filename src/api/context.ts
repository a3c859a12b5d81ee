// What the admin API may ask of the running hearth: the port routes depend on.
// The composition layer implements it (api-adapter.ts at the top of src/);
// routes see only this, so each route file stays a thin layer over a service.
import type { Config } from '../config/schema.ts';
import type { DdnsStatus } from '../ddns/status.ts';
import type { UpdateNowOptions } from '../ddns/updater.ts';
import type { LeaseInfo } from '../dhcp/dhcp-service.ts';
import type { ListReport, NameCheck } from '../dns/blocklist/blocklists.ts';
import type { LocalZones } from '../dns/update/local-zones.ts';
import type { Metrics } from '../observe/metrics.ts';
import type { QueryLog } from '../observe/querylog.ts';
import type { Stats } from '../observe/stats.ts';

export interface DdnsRoutesContext {
  readonly ddns: { status(): DdnsStatus; updateNow(options: UpdateNowOptions): Promise<DdnsStatus> };
}

export interface DhcpRoutesContext {
  /** The running DHCP server; undefined while dhcp.enabled is false. */
  readonly dhcp: { leases(): LeaseInfo[]; release(address: string): boolean } | undefined;
}

export interface MetricsRoutesContext {
  readonly metrics: Pick<Metrics, 'render' | 'contentType'>;
}

export interface QuerylogRoutesContext {
  /** Absent while `querylog.enabled` is false. */
  readonly querylog?: Pick<QueryLog, 'query'> | undefined;
}

export interface StatsRoutesContext {
  readonly stats: Pick<Stats, 'snapshot'>;
}

export interface ZonesRoutesContext {
  readonly zones: Pick<LocalZones, 'list' | 'records' | 'update'>;
}

/** The observe and zone routes ask for their service by name (`metrics`,
 *  `stats`, `querylog`, `zones`), so a test can hand a route just that one. */
export interface ApiContext extends DdnsRoutesContext, DhcpRoutesContext, MetricsRoutesContext, QuerylogRoutesContext, StatsRoutesContext, ZonesRoutesContext {
  /** The stored config: the last one written, which a reload may still be
   *  applying. A change builds on it, not on the one in force, so two
   *  changes in a row both survive. */
  config(): Config;
  /** Validates nothing: the caller passes a parsed Config; writes it durably
   *  (see config/store.ts) and reloads hearth with it. */
  replaceConfig(config: Config): Promise<{ readonly version: number; readonly hash: string }>;
  /** Drops every cached upstream answer; returns how many. */
  flushCache(): number;
  /** Downloads the URL lists now and rebuilds the sets. */
  refreshLists(): Promise<void>;
  /** What the last build of the default view's lists read from each
   *  (GET /blocklists shows it when there). */
  listReports?(): readonly ListReport[];
  /** Is `name` blocked for the clients of `view` (default view when absent)? */
  checkName(name: string, view?: string): NameCheck | undefined;
}
