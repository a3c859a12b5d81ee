// What the admin API may ask of the running hearth: the port routes depend on.
// The composition layer implements it (api-adapter.ts at the top of src/);
// routes see only this, so each route file stays a thin layer over a service.
import type { Config } from '../config/schema.ts';
import type { DdnsStatus } from '../ddns/status.ts';
import type { UpdateNowOptions } from '../ddns/updater.ts';
import type { LeaseInfo } from '../dhcp/dhcp-service.ts';
import type { ListReport, NameCheck } from '../dns/blocklist/blocklists.ts';
import type { LocalZones } from '../dns/update/local-zones.ts';
import type { Outcome } from '../ha/election.ts';
import type { PairStatus } from '../ha/status.ts';
import type { PairSyncStatus } from '../ha/sync/pair-sync.ts';
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

export interface HaRoutesContext {
  /** The running failover pair; undefined while ha.enabled is false. */
  readonly ha?: { status(): PairStatus; promote(): Promise<Outcome>; demote(): Promise<Outcome> } | undefined;
}

export interface ZonesRoutesContext {
  readonly zones: Pick<LocalZones, 'list' | 'records' | 'update'>;
}

/** A write as the standby hands it to the master, and the master's answer. */
export interface ForwardedWrite {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string | undefined;
}
export interface ForwardedAnswer {
  readonly status: number;
  readonly contentType?: string | undefined;
  readonly body: string;
}

/** The observe and zone routes ask for their service by name (`metrics`,
 *  `stats`, `querylog`, `zones`), so a test can hand a route just that one. */
export interface ApiContext
  extends DdnsRoutesContext, DhcpRoutesContext, HaRoutesContext, MetricsRoutesContext, QuerylogRoutesContext, StatsRoutesContext, ZonesRoutesContext {
  /** The stored config: the last one written, which a reload may still be
   *  applying. A change builds on it, not on the one in force, so two
   *  changes in a row both survive. */
  config(): Config;
  /** The config file, when there is one (its directory is the owner's, like data_dir). */
  configFile?(): string | undefined;
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
  /** A pair's standby: the master's answer to a request that changes
   *  something; undefined when this node answers itself. */
  forwardWrite?(write: ForwardedWrite): Promise<ForwardedAnswer> | undefined;
  /** The pair's state sync (channel, versions, lease replication, clock skew); undefined outside a pair. */
  pairSync?(): PairSyncStatus | undefined;
}
