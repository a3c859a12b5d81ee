// What observing answered queries costs the resolver thread: 200,000
// synthetic answered queries through the statistics, the metrics and the
// query log, each alone and all three together, fed in turns of 1,000 at a
// steady RATE like a busy resolver's event loop. Prints the CPU time per event
// of this thread (the query log's batch cloning and reply handling included)
// and of all threads (its writer thread included), what that is at 20,000
// queries/s, the rows dropped, and the writer's own capacity in rows/s.
// Run: node bench/querylog.ts     RATE=50000 by default (events/s)
// The end-to-end figure is dnsperf against hearth with the log on and off.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Query, Response, Source } from '../src/dns/message.ts';
import type { AnsweredQuery } from '../src/dns/server.ts';
import { Metrics } from '../src/observe/metrics.ts';
import { QueryLog } from '../src/observe/querylog.ts';
import { QueryLogStore, type LogRow } from '../src/observe/querylog-store.ts';
import { Stats } from '../src/observe/stats.ts';

const EVENTS = 200_000;
const TURN = 1000;
const RATE = Number(process.env.RATE ?? 50_000);

/** 5,000 names, 50 clients, two views; a home network's mix of answer sources. */
const SOURCES: Source[] = ['cache', 'cache', 'cache', 'cache', 'upstream:https://dns.quad9.net/dns-query', 'upstream:tls://1.1.1.1:853', 'blocked', 'zone', 'stale', 'refused'];
const events: AnsweredQuery[] = Array.from({ length: 5000 }, (_, i) => {
  const source = SOURCES[i % SOURCES.length]!;
  return {
    query: { name: `host${i}.example${i % 7}.com`, type: i % 4 === 0 ? 28 : 1 } as Query,
    client: { address: `192.168.1.${i % 50}`, port: 40000 + i, transport: 'udp' },
    response: {
      rcode: source === 'blocked' ? 3 : 0, source,
      blockedBy: source === 'blocked' ? { list: 'blocklists/default.txt', line: i, rule: `host${i}.example${i % 7}.com` } : undefined,
    } as Response,
    view: i % 10 === 0 ? 'kids' : '',
    latencyMs: source.startsWith('upstream:') ? 12 + (i % 30) : 0.05 + (i % 5) / 100,
  };
});

interface Cost { readonly threadNs: number; readonly allNs: number }

/** CPU per event, of this thread and of all threads, for feeding EVENTS at RATE. */
async function feed(observe: (answered: AnsweredQuery) => void): Promise<Cost> {
  const thread = process.threadCpuUsage();
  const all = process.cpuUsage();
  const started = performance.now();
  for (let n = 0; n < EVENTS; n += TURN) {
    for (let i = n; i < n + TURN; i++) observe(events[i % events.length]!);
    await sleep(Math.max(0, started + ((n + TURN) / RATE) * 1000 - performance.now()));
  }
  const ns = (usage: NodeJS.CpuUsage) => ((usage.user + usage.system) * 1000) / EVENTS;
  return { threadNs: ns(process.threadCpuUsage(thread)), allNs: ns(process.cpuUsage(all)) };
}

async function withLog<T>(run: (log: QueryLog, dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-bench-querylog-'));
  const log = await QueryLog.open({ dataDir, retentionSeconds: 7 * 86400, maxRows: 1_000_000 });
  try {
    return await run(log, dataDir);
  } finally {
    await log.close();
    rmSync(dataDir, { recursive: true });
  }
}

// V8 compiles the hot paths before anything is timed.
const stats = new Stats();
const metrics = new Metrics();
await feed((answered) => { stats.observe(answered); metrics.observe(answered); });
await withLog(async (log) => feed((answered) => log.observe(answered)));

const idle = await feed(() => {});
const report = (label: string, cost: Cost, extra = ''): number => {
  const threadNs = cost.threadNs - idle.threadNs;
  console.log(`${label.padEnd(10)} ${threadNs.toFixed(0).padStart(5)} ns/event this thread ` +
    `(${((threadNs * 20_000) / 1e7).toFixed(2)}% of it at 20k/s), ${(cost.allNs - idle.allNs).toFixed(0).padStart(5)} ns/event all threads${extra}`);
  return threadNs;
};
console.log(`${EVENTS} events at ${RATE}/s in turns of ${TURN}; the idle loop's CPU is subtracted`);
report('stats', await feed((answered) => stats.observe(answered)));
report('metrics', await feed((answered) => metrics.observe(answered)));
await withLog(async (log) => {
  const cost = await feed((answered) => log.observe(answered));
  await log.flush();
  report('query log', cost, `, ${log.dropped} rows dropped`);
});
await withLog(async (log, dataDir) => {
  const cost = await feed((answered) => { log.observe(answered); stats.observe(answered); metrics.observe(answered); });
  await log.close(); // checkpoints the WAL into the file
  report('all three', cost, `, ${log.dropped} rows dropped`);
  console.log(`on disk: ${Math.round(statSync(join(dataDir, 'querylog.sqlite')).size / (EVENTS - log.dropped))} bytes/row`);
});

// The writer thread's capacity: the same rows straight into the store, 1,000 a transaction.
const dataDir = mkdtempSync(join(tmpdir(), 'hearth-bench-querylog-'));
const store = new QueryLogStore(join(dataDir, 'querylog.sqlite'));
const rows: LogRow[] = events.map((answered, i) => ({
  time: Date.now() + i, client: answered.client.address, view: answered.view, name: answered.query.name, type: answered.query.type,
  source: answered.response.source, rcode: answered.response.rcode, blockedBy: answered.response.blockedBy, latencyMs: answered.latencyMs,
}));
const started = performance.now();
for (let n = 0; n < EVENTS; n += TURN) store.insert(Array.from({ length: TURN }, (_, i) => rows[(n + i) % rows.length]!));
console.log(`writer capacity: ${Math.round(EVENTS / ((performance.now() - started) / 1000))} rows/s`);
store.close();
rmSync(dataDir, { recursive: true });
