import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Query, Response, Source } from '../dns/message.ts';
import type { AnsweredQuery } from '../dns/server.ts';
import { Metrics, type UpstreamStatus } from './metrics.ts';

function answered(source: Source, rcode = 0, view = '', latencyMs = 0.2): AnsweredQuery {
  return {
    query: { name: 'www.example.com', type: 1 } as Query,
    client: { address: '192.168.1.10', port: 5000, transport: 'udp' },
    response: { rcode, source } as Response,
    view,
    latencyMs,
  };
}

/** Sample lines as `name{labels}` → value, checking every line's syntax on the way
 *  (text format 0.0.4: HELP and TYPE before a metric's samples). */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const typed = new Set<string>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (comment) {
      if (comment[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(comment[3]);
        typed.add(comment[2]!);
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (\S+)$/.exec(line);
    expect(sample, line).not.toBeNull();
    const [, name = '', labels = '', value = ''] = sample!;
    expect(
      [...typed].some((family) => name === family || name.startsWith(`${family}_`)),
      `${name} has no TYPE`,
    ).toBe(true);
    // prom-client writes `Nan` for an empty event-loop histogram; Go's ParseFloat takes any case.
    expect(/^(nan|[+-]inf)$/i.test(value) || !Number.isNaN(Number(value)), line).toBe(true);
    samples.set(name + labels, Number(value));
  }
  return samples;
}

describe('metrics', () => {
  it('counts queries by source, rcode and view, and their durations', async () => {
    const metrics = new Metrics();
    for (let i = 0; i < 3; i++) metrics.observe(answered('cache'));
    metrics.observe(answered('upstream:https://dns.quad9.net/dns-query', 0, '', 30));
    metrics.observe(answered('blocked', 3, 'kids'));
    metrics.observe(answered('servfail', 2, '', 2500));
    const samples = parse(await metrics.render());
    expect(samples.get('hearth_dns_queries_total{source="cache",rcode="NOERROR",view=""}')).toBe(3);
    expect(samples.get('hearth_dns_queries_total{source="upstream:https://dns.quad9.net/dns-query",rcode="NOERROR",view=""}')).toBe(1);
    expect(samples.get('hearth_dns_queries_total{source="blocked",rcode="NXDOMAIN",view="kids"}')).toBe(1);
    expect(samples.get('hearth_dns_queries_total{source="servfail",rcode="SERVFAIL",view=""}')).toBe(1);
    expect(samples.get('hearth_dns_query_duration_seconds_bucket{le="0.0001"}')).toBe(0);
    expect(samples.get('hearth_dns_query_duration_seconds_bucket{le="0.00025"}')).toBe(4);
    expect(samples.get('hearth_dns_query_duration_seconds_bucket{le="0.05"}')).toBe(5);
    expect(samples.get('hearth_dns_query_duration_seconds_bucket{le="2"}')).toBe(5);
    expect(samples.get('hearth_dns_query_duration_seconds_bucket{le="+Inf"}')).toBe(6);
    expect(samples.get('hearth_dns_query_duration_seconds_count')).toBe(6);
    expect(samples.get('hearth_dns_query_duration_seconds_sum')).toBeCloseTo(2.5308, 6);
    expect(samples.get('hearth_cache_hit_ratio')).toBe(0.75); // 3 from the cache, 1 from upstream

    // Counters keep counting across scrapes.
    metrics.observe(answered('cache'));
    expect(parse(await metrics.render()).get('hearth_dns_queries_total{source="cache",rcode="NOERROR",view=""}')).toBe(4);
  });

  it('reads cache, upstream, blocklist, DHCP and query log figures from callbacks when scraped', async () => {
    let upstreams: UpstreamStatus[] = [
      { url: 'https://dns.quad9.net/dns-query', up: true, latencyMs: 12.5 },
      { url: 'udp://9.9.9.9', up: false, latencyMs: 0 },
    ];
    const metrics = new Metrics({
      cacheEntries: () => 1234,
      upstreams: () => upstreams,
      blocklists: () => [{ list: 'blocklists/default.txt', entries: 150 }],
      dhcpLeases: () => 7,
      querylogDropped: () => 3,
    });
    let samples = parse(await metrics.render());
    expect(samples.get('hearth_cache_entries')).toBe(1234);
    expect(samples.get('hearth_cache_hit_ratio')).toBe(0);
    expect(samples.get('hearth_upstream_up{upstream="https://dns.quad9.net/dns-query"}')).toBe(1);
    expect(samples.get('hearth_upstream_up{upstream="udp://9.9.9.9"}')).toBe(0);
    expect(samples.get('hearth_upstream_latency_seconds{upstream="https://dns.quad9.net/dns-query"}')).toBe(0.0125);
    expect(samples.get('hearth_blocklist_entries{list="blocklists/default.txt"}')).toBe(150);
    expect(samples.get('hearth_dhcp_leases')).toBe(7);
    expect(samples.get('hearth_querylog_dropped_rows_total')).toBe(3);
    expect(samples.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(samples.get('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);

    upstreams = [upstreams[0]!]; // removed from the config
    samples = parse(await metrics.render());
    expect(samples.has('hearth_upstream_up{upstream="udp://9.9.9.9"}')).toBe(false);
    expect(metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('escapes label values', async () => {
    const metrics = new Metrics();
    metrics.observe(answered('upstream:https://odd"host\\/dns-query'));
    expect(parse(await metrics.render()).get('hearth_dns_queries_total{source="upstream:https://odd\\"host\\\\/dns-query",rcode="NOERROR",view=""}')).toBe(1);
  });

  const promtool = spawnSync('which', ['promtool']).status === 0;
  it.skipIf(!promtool)('passes promtool check metrics', async () => {
    const metrics = new Metrics({ upstreams: () => [{ url: 'udp://9.9.9.9', up: true, latencyMs: 3 }] });
    metrics.observe(answered('cache'));
    execFileSync('promtool', ['check', 'metrics'], { input: await metrics.render() });
  });
});
