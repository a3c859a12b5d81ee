// Prometheus metrics for GET /metrics, on a registry of hearth's own (not
// prom-client's global one). prom-client's inc()/observe() allocate a label
// object and a hash string per call, too much for every query; so queries are
// counted into plain numbers here and handed to prom-client when scraped.
// Everything else is read from the services through callbacks at scrape time.
import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import { Rcode } from '../dns/message.ts';
import type { AnsweredQuery } from '../dns/server.ts';

export interface UpstreamStatus {
  readonly url: string;
  /** False while the upstream is backed off after failures. */
  readonly up: boolean;
  /** EWMA of its answers' latency (0 before the first). */
  readonly latencyMs: number;
}

/** What the metrics read from the running services, each when scraped. */
export interface MetricsSources {
  cacheEntries?(): number;
  upstreams?(): Iterable<UpstreamStatus>;
  blocklists?(): Iterable<{ readonly list: string; readonly entries: number }>;
  dhcpLeases?(): number;
  querylogDropped?(): number;
}

/** Seconds: from a cached answer (~0.1 ms) to the upstream timeout (2 s). */
const DURATION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2];

const RCODE_NAMES = new Map<number, string>(Object.entries(Rcode).map(([name, code]) => [code, name]));

interface Cell {
  readonly labels: { readonly source: string; readonly rcode: string; readonly view: string };
  count: number;
}

/** A histogram counted into a typed array, in the shape prom-client's registry renders. */
class DurationHistogram {
  readonly name = 'hearth_dns_query_duration_seconds';
  readonly help = 'Time from a parsed query to its answer';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly counts = new Float64Array(DURATION_BUCKETS.length + 1);
  private sum = 0;
  private count = 0;

  observe(seconds: number): void {
    let bucket = 0;
    while (bucket < DURATION_BUCKETS.length && seconds > DURATION_BUCKETS[bucket]!) bucket++;
    this.counts[bucket]!++;
    this.sum += seconds;
    this.count++;
  }

  async get() {
    let cumulative = 0;
    const bucketName = `${this.name}_bucket`;
    const values = DURATION_BUCKETS.map((le, i) => ({ metricName: bucketName, labels: { le }, value: (cumulative += this.counts[i]!) }));
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: [
        ...values,
        { metricName: bucketName, labels: { le: '+Inf' }, value: this.count },
        { metricName: `${this.name}_sum`, labels: {}, value: this.sum },
        { metricName: `${this.name}_count`, labels: {}, value: this.count },
      ],
    };
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

export class Metrics {
  readonly registry = new Registry();
  /** view → source → rcode → count: the label sets are built once each. */
  private readonly cells = new Map<string, Map<string, Cell[]>>();
  private readonly duration = new DurationHistogram();

  constructor(sources: MetricsSources = {}) {
    const registers = [this.registry];
    const cells = () => [...this.cells.values()].flatMap((bySource) => [...bySource.values()].flat());
    new Counter({
      name: 'hearth_dns_queries_total',
      help: 'Answered queries by answer source, rcode and view',
      labelNames: ['source', 'rcode', 'view'],
      registers,
      collect() {
        this.reset(); // then the totals counted here
        for (const cell of cells()) this.inc(cell.labels, cell.count);
      },
    });
    // A plain object with get() is what the registry renders; see DurationHistogram.
    this.registry.registerMetric(this.duration as unknown as Metric);
    new Gauge({
      name: 'hearth_cache_entries',
      help: 'Answers held in the caches of all views',
      registers,
      collect() {
        this.set(sources.cacheEntries?.() ?? 0);
      },
    });
    new Gauge({
      name: 'hearth_cache_hit_ratio',
      help: 'Answers from the cache (fresh or stale) per answer from the cache or an upstream, since start',
      registers,
      collect() {
        let hits = 0;
        let misses = 0;
        for (const cell of cells()) {
          if (cell.labels.source === 'cache' || cell.labels.source === 'stale') hits += cell.count;
          else if (cell.labels.source.startsWith('upstream:')) misses += cell.count;
        }
        this.set(hits + misses === 0 ? 0 : hits / (hits + misses));
      },
    });
    new Gauge({
      name: 'hearth_upstream_up',
      help: '1 while the upstream is in use, 0 while it is backed off after failures',
      labelNames: ['upstream'],
      registers,
      collect() {
        this.reset(); // an upstream gone from the config goes from the output too
        for (const upstream of sources.upstreams?.() ?? []) this.set({ upstream: upstream.url }, upstream.up ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hearth_upstream_latency_seconds',
      help: "Moving average (EWMA) of the upstream's answer time",
      labelNames: ['upstream'],
      registers,
      collect() {
        this.reset();
        for (const upstream of sources.upstreams?.() ?? []) this.set({ upstream: upstream.url }, upstream.latencyMs / 1000);
      },
    });
    new Gauge({
      name: 'hearth_blocklist_entries',
      help: 'Names or rules loaded from each block or allow list',
      labelNames: ['list'],
      registers,
      collect() {
        this.reset();
        for (const { list, entries } of sources.blocklists?.() ?? []) this.set({ list }, entries);
      },
    });
    new Gauge({
      name: 'hearth_dhcp_leases',
      help: 'Active DHCP leases',
      registers,
      collect() {
        this.set(sources.dhcpLeases?.() ?? 0);
      },
    });
    new Counter({
      name: 'hearth_querylog_dropped_rows_total',
      help: 'Query log rows dropped because the writer fell behind or failed',
      registers,
      collect() {
        this.reset();
        this.inc(sources.querylogDropped?.() ?? 0);
      },
    });
    collectDefaultMetrics({ register: this.registry });
    // Gauges whose names end in _total, which promtool's lint rejects (it
    // reserves the suffix for counters); the event-loop figures cover them.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(name);
    }
  }

  /** Prometheus text exposition format 0.0.4, for the Content-Type header. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The resolver's hot path: a few map lookups and increments, no allocation
   *  once a (view, source, rcode) has been seen. */
  observe(answered: AnsweredQuery): void {
    const { source, rcode } = answered.response;
    let bySource = this.cells.get(answered.view);
    if (!bySource) this.cells.set(answered.view, (bySource = new Map()));
    let byRcode = bySource.get(source);
    if (!byRcode) bySource.set(source, (byRcode = []));
    let cell = byRcode[rcode];
    if (!cell) {
      const labels = { source, rcode: RCODE_NAMES.get(rcode) ?? `RCODE${rcode}`, view: answered.view };
      byRcode[rcode] = cell = { labels, count: 0 };
    }
    cell.count++;
    this.duration.observe(answered.latencyMs / 1000);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
