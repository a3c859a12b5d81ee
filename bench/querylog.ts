// What observing answered queries costs the resolver: 200,000 synthetic
// answered queries, each after WORK_US of busy work that stands in for
// hearth answering it (14 µs ≈ hearth's 70k cached answers/s on one core),
// in event-loop turns of 100, through the statistics, the metrics and the
// query log, each alone and all three together. Prints the rate against the
// same loop with no observer, the cost per event on the resolver thread
// (the query log's batch posting and reply handling included), the rows the
// writer thread stored or dropped, and the writer's own capacity.
// Run: node bench/querylog.ts        WORK_US=14 by default
// The end-to-end figure is dnsperf against hearth with the log on and off.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Query, Response, Source } from '../src/dns/message.ts';
import type { AnsweredQuery } from '../src/dns/server.ts';
import { Metrics } from '../src/observe/metrics.ts';
import { createBatch, QueryLogStore } from '../src/observe/querylog-store.ts';
import { QueryLog } from '../src/observe/querylog.ts';
import { Stats } from '../src/observe/stats.ts';

const EVENTS = 200_000;
const TURN = 100;
const WORK_MS = Number(process.env.WORK_US ?? 14) / 1000;

/** 5,000 names, 50 clients, two views; a home network's mix of answer sources. */
const SOURCES: Source[] = [
  'cache',
  'cache',
  'cache',
  'cache',
  'upstream:https://dns.quad9.net/dns-query',
  'upstream:tls://1.1.1.1:853',
  'blocked',
  'zone',
  'stale',
  'refused',
];
const events: AnsweredQuery[] = Array.from({ length: 5000 }, (_, i) => {
  const source = SOURCES[i % SOURCES.length]!;
  return {
    query: { name: `host${i}.example${i % 7}.com`, type: i % 4 === 0 ? 28 : 1 } as Query,
    client: { address: `192.168.1.${i % 50}`, port: 40000 + i, transport: 'udp' },
    response: {
      rcode: source === 'blocked' ? 3 : 0,
      source,
      blockedBy: source === 'blocked' ? { list: 'blocklists/default.txt', line: i, rule: `host${i}.example${i % 7}.com` } : undefined,
    } as Response,
    view: i % 10 === 0 ? 'kids' : '',
    latencyMs: source.startsWith('upstream:') ? 12 + (i % 30) : 0.05 + (i % 5) / 100,
  };
});
/** Popularity as on a real network: a few names take most queries, a long tail the rest. */
let seed = 1;
const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
const sequence = Array.from({ length: EVENTS }, () => events[Math.floor(events.length * random() ** 3)]!);

/** Events per second through "answer, then observe". */
async function run(observe: (answered: AnsweredQuery) => void): Promise<number> {
  const started = performance.now();
  for (let n = 0; n < EVENTS; n += TURN) {
    for (let i = n; i < n + TURN; i++) {
      const until = performance.now() + WORK_MS;
      while (performance.now() < until); // the resolver's own work
      observe(sequence[i]!);
    }
    await new Promise(setImmediate);
  }
  return EVENTS / ((performance.now() - started) / 1000);
}

async function withLog<T>(use: (log: QueryLog, dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-bench-querylog-'));
  const log = await QueryLog.open({ dataDir, retentionSeconds: 7 * 86400, maxRows: 1_000_000 });
  try {
    return await use(log, dataDir);
  } finally {
    await log.close();
    rmSync(dataDir, { recursive: true });
  }
}

// V8 compiles the hot paths before anything is timed.
const stats = new Stats();
const metrics = new Metrics();
await withLog((log) =>
  run((answered) => {
    log.observe(answered);
    stats.observe(answered);
    metrics.observe(answered);
  }),
);

// The bare loop reads what the observers read, so fetching an event is not charged to them
// (in hearth the event was built a moment before and is in the cache).
let sink = 0;
const bare = await run((answered) => {
  sink += answered.query.name.length + answered.client.address.length + answered.response.source.length + answered.view.length;
});
console.log(`${EVENTS} events, ${WORK_MS * 1000} µs of work each, turns of ${TURN}: ${Math.round(bare)} events/s without observers${sink ? '' : '!'}`);
const report = (label: string, rate: number, extra = ''): void => {
  const costNs = (1 / rate - 1 / bare) * 1e9;
  console.log(
    `${label.padEnd(10)} ${Math.round(rate)} events/s (${(100 * (1 - rate / bare)).toFixed(1)}% fewer), ` +
      `${costNs.toFixed(0)} ns/event, ${((costNs * 20_000) / 1e7).toFixed(2)}% of a core at 20,000 queries/s${extra}`,
  );
};
report('stats', await run((answered) => stats.observe(answered)));
report('metrics', await run((answered) => metrics.observe(answered)));
await withLog(async (log) => {
  const rate = await run((answered) => log.observe(answered));
  await log.flush();
  report('query log', rate, `; ${log.dropped} rows dropped`);
});
await withLog(async (log, dataDir) => {
  const rate = await run((answered) => {
    log.observe(answered);
    stats.observe(answered);
    metrics.observe(answered);
  });
  await log.close(); // checkpoints the WAL into the file
  report('all three', rate, `; ${log.dropped} rows dropped`);
  console.log(`on disk: ${Math.round(statSync(join(dataDir, 'querylog.sqlite')).size / (EVENTS - log.dropped))} bytes/row`);
});

// The writer thread's capacity: the same rows straight into the store, 1,000 a transaction.
const dataDir = mkdtempSync(join(tmpdir(), 'hearth-bench-querylog-'));
const store = new QueryLogStore(join(dataDir, 'querylog.sqlite'));
const batches = Array.from({ length: EVENTS / 1000 }, (_, n) => {
  const batch = createBatch(1000);
  for (let i = 0; i < 1000; i++) {
    const { query, client, view, response, latencyMs } = sequence[n * 1000 + i]!;
    batch.time[i] = Date.now();
    batch.latencyMs[i] = latencyMs;
    batch.type[i] = query.type;
    batch.rcode[i] = response.rcode;
    batch.client.push(client.address);
    batch.view.push(view);
    batch.name.push(query.name);
    batch.source.push(response.source);
    batch.blockedBy.push(response.blockedBy);
  }
  batch.length = 1000;
  return batch;
});
const started = performance.now();
for (const batch of batches) store.insert(batch);
console.log(`writer capacity: ${Math.round(EVENTS / ((performance.now() - started) / 1000))} rows/s`);
store.close();
rmSync(dataDir, { recursive: true });
