// Statistics for GET /stats: counters kept in memory per hour for the last
// 24 hours, so a dashboard's poll never scans the query log. Top lists are
// counted per hour in maps that are trimmed to their heaviest keys when they
// grow too large, so a flood of random names cannot take the memory.
import type { AnsweredQuery } from '../dns/server.ts';
import { statusOf, STATUSES, type Status } from './querylog-store.ts';

const HOUR_MS = 3_600_000;
const HOURS = 24;
const UPSTREAM = 'upstream:';

export interface StatsOptions {
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
  /** Keys each hour's top map keeps when trimmed; it holds at most twice as many. */
  readonly topKeys?: number;
}

export type StatusCounts = Record<Status, number>;

export interface HourStats extends StatusCounts {
  /** ISO 8601 start of the hour. */
  readonly time: string;
  readonly queries: number;
  readonly avgLatencyMs: number;
}

export interface StatsSnapshot {
  readonly totals: StatusCounts & { readonly queries: number; readonly avgLatencyMs: number };
  /** The last 24 hours, oldest first; the last one is the hour in progress. */
  readonly series: HourStats[];
  readonly upstreams: { readonly upstream: string; readonly count: number; readonly avgLatencyMs: number }[];
  readonly topNames: { readonly name: string; readonly count: number }[];
  readonly topBlocked: { readonly name: string; readonly count: number }[];
  readonly topClients: { readonly client: string; readonly count: number }[];
}

/** Counts per key, trimmed to the `keep` heaviest whenever it reaches twice that. */
class TopCounter {
  readonly counts = new Map<string, number>();
  private readonly keep: number;

  constructor(keep: number) {
    this.keep = keep;
  }

  add(key: string): void {
    const count = this.counts.get(key);
    if (count !== undefined) return void this.counts.set(key, count + 1);
    if (this.counts.size >= 2 * this.keep) this.trim();
    this.counts.set(key, 1);
  }

  /** Down to the `keep` heaviest keys. Once per `keep` new keys, and a numeric
   *  sort of the counts alone, so a flood of new names stays cheap per query. */
  private trim(): void {
    const sorted = Float64Array.from(this.counts.values()).sort();
    const threshold = sorted[sorted.length - this.keep]!;
    let excess = this.counts.size - this.keep;
    for (const [key, count] of this.counts) {
      if (count < threshold) {
        this.counts.delete(key);
        excess--;
      }
    }
    // Ties at the threshold: the oldest go.
    for (const [key, count] of this.counts) {
      if (excess <= 0) break;
      if (count === threshold) {
        this.counts.delete(key);
        excess--;
      }
    }
  }
}

interface Latency {
  count: number;
  totalMs: number;
}

class Hour {
  hour = -1;
  queries = 0;
  totalMs = 0;
  statuses: StatusCounts = zeroCounts();
  upstreams = new Map<string, Latency>();
  names: TopCounter;
  blocked: TopCounter;
  clients: TopCounter;
  private readonly topKeys: number;

  constructor(topKeys: number) {
    this.topKeys = topKeys;
    this.names = new TopCounter(topKeys);
    this.blocked = new TopCounter(topKeys);
    this.clients = new TopCounter(topKeys);
  }

  reset(hour: number): void {
    this.hour = hour;
    this.queries = 0;
    this.totalMs = 0;
    this.statuses = zeroCounts();
    this.upstreams = new Map();
    this.names = new TopCounter(this.topKeys);
    this.blocked = new TopCounter(this.topKeys);
    this.clients = new TopCounter(this.topKeys);
  }
}

function zeroCounts(): StatusCounts {
  return { blocked: 0, cached: 0, upstream: 0, local: 0, error: 0 };
}

export class Stats {
  private readonly now: () => number;
  private readonly hours: Hour[];

  constructor(options: StatsOptions = {}) {
    this.now = options.now ?? Date.now;
    this.hours = Array.from({ length: HOURS }, () => new Hour(options.topKeys ?? 1000));
  }

  observe(answered: AnsweredQuery): void {
    const hour = Math.floor(this.now() / HOUR_MS);
    const bucket = this.hours[hour % HOURS]!;
    if (bucket.hour !== hour) bucket.reset(hour);
    const { source } = answered.response;
    const status = statusOf(source);
    bucket.queries++;
    bucket.totalMs += answered.latencyMs;
    bucket.statuses[status]++;
    bucket.names.add(answered.query.name);
    bucket.clients.add(answered.client.address);
    if (status === 'blocked') bucket.blocked.add(answered.query.name);
    else if (status === 'upstream') {
      const latency = bucket.upstreams.get(source);
      if (latency) {
        latency.count++;
        latency.totalMs += answered.latencyMs;
      } else bucket.upstreams.set(source, { count: 1, totalMs: answered.latencyMs });
    }
  }

  /** The JSON of GET /stats; each top list has at most `top` entries. */
  snapshot(top = 10): StatsSnapshot {
    const current = Math.floor(this.now() / HOUR_MS);
    const live = this.hours.filter((bucket) => bucket.hour > current - HOURS && bucket.hour <= current);
    const series = Array.from({ length: HOURS }, (_, i): HourStats => {
      const hour = current - HOURS + 1 + i;
      const bucket = live.find((b) => b.hour === hour);
      return {
        time: new Date(hour * HOUR_MS).toISOString(),
        queries: bucket?.queries ?? 0,
        ...(bucket?.statuses ?? zeroCounts()),
        avgLatencyMs: bucket ? average(bucket.totalMs, bucket.queries) : 0,
      };
    });
    const totals = zeroCounts();
    for (const bucket of live) for (const status of STATUSES) totals[status] += bucket.statuses[status];
    const queries = sum(live, (b) => b.queries);
    const upstreams = new Map<string, Latency>();
    for (const bucket of live) {
      for (const [source, { count, totalMs }] of bucket.upstreams) {
        const merged = upstreams.get(source) ?? { count: 0, totalMs: 0 };
        upstreams.set(source, { count: merged.count + count, totalMs: merged.totalMs + totalMs });
      }
    }
    return {
      totals: {
        queries,
        ...totals,
        avgLatencyMs: average(
          sum(live, (b) => b.totalMs),
          queries,
        ),
      },
      series,
      upstreams: [...upstreams].map(([source, { count, totalMs }]) => ({
        upstream: source.slice(UPSTREAM.length),
        count,
        avgLatencyMs: average(totalMs, count),
      })),
      topNames: topOf(
        live.map((b) => b.names),
        top,
      ).map(([name, count]) => ({ name, count })),
      topBlocked: topOf(
        live.map((b) => b.blocked),
        top,
      ).map(([name, count]) => ({ name, count })),
      topClients: topOf(
        live.map((b) => b.clients),
        top,
      ).map(([client, count]) => ({ client, count })),
    };
  }
}

function sum(hours: readonly Hour[], of: (hour: Hour) => number): number {
  return hours.reduce((total, hour) => total + of(hour), 0);
}

function average(totalMs: number, count: number): number {
  return count === 0 ? 0 : Math.round((totalMs / count) * 1000) / 1000;
}

function topOf(counters: readonly TopCounter[], top: number): [string, number][] {
  const merged = new Map<string, number>();
  for (const counter of counters) for (const [key, count] of counter.counts) merged.set(key, (merged.get(key) ?? 0) + count);
  return [...merged].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, top);
}
