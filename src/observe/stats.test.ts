import { describe, expect, it } from 'vitest';
import type { Query, Response, Source } from '../dns/message.ts';
import type { AnsweredQuery } from '../dns/server.ts';
import { Stats } from './stats.ts';

const HOUR_MS = 3_600_000;
const T0 = Date.parse('2025-05-01T12:10:00Z');

function answered(name: string, source: Source, client = '192.168.1.10', latencyMs = 1): AnsweredQuery {
  return {
    query: { name, type: 1 } as Query,
    client: { address: client, port: 5000, transport: 'udp' },
    response: { rcode: 0, source } as Response,
    view: '',
    latencyMs,
  };
}

function statsOnClock(topKeys?: number) {
  const clock = { now: T0 };
  return { stats: new Stats({ now: () => clock.now, ...(topKeys ? { topKeys } : {}) }), clock };
}

describe('statistics', () => {
  it('counts queries by status, with averages per upstream', () => {
    const { stats } = statsOnClock();
    stats.observe(answered('nas.home.lan', 'zone'));
    stats.observe(answered('ads.example', 'blocked'));
    stats.observe(answered('www.example.com', 'cache'));
    stats.observe(answered('www.example.com', 'stale'));
    stats.observe(answered('a.example', 'upstream:udp://9.9.9.9', '192.168.1.10', 10));
    stats.observe(answered('b.example', 'upstream:udp://9.9.9.9', '192.168.1.10', 20));
    stats.observe(answered('c.example', 'upstream:tls://1.1.1.1:853', '192.168.1.10', 5));
    stats.observe(answered('d.example', 'refused'));
    const snapshot = stats.snapshot();
    expect(snapshot.totals).toEqual({ queries: 8, blocked: 1, cached: 2, upstream: 3, local: 1, error: 1, avgLatencyMs: 5 });
    expect(snapshot.upstreams).toEqual([
      { upstream: 'udp://9.9.9.9', count: 2, avgLatencyMs: 15 },
      { upstream: 'tls://1.1.1.1:853', count: 1, avgLatencyMs: 5 },
    ]);
    expect(snapshot.topNames[0]).toEqual({ name: 'www.example.com', count: 2 });
    expect(snapshot.topBlocked).toEqual([{ name: 'ads.example', count: 1 }]);
    expect(snapshot.topClients).toEqual([{ client: '192.168.1.10', count: 8 }]);
  });

  it('keeps 24 hourly entries that roll over with the clock', () => {
    const { stats, clock } = statsOnClock();
    stats.observe(answered('a.example', 'cache'));
    clock.now += HOUR_MS;
    stats.observe(answered('b.example', 'blocked'));
    stats.observe(answered('c.example', 'blocked'));
    let { series, totals } = stats.snapshot();
    expect(series).toHaveLength(24);
    expect(series[23]).toMatchObject({ time: '2025-05-01T13:00:00.000Z', queries: 2, blocked: 2 });
    expect(series[22]).toMatchObject({ time: '2025-05-01T12:00:00.000Z', queries: 1, cached: 1 });
    expect(series[21]).toMatchObject({ queries: 0, avgLatencyMs: 0 });
    expect(totals.queries).toBe(3);

    // 23 hours on, the first hour is the oldest in the window; one more and it is gone.
    clock.now += 22 * HOUR_MS;
    ({ series, totals } = stats.snapshot());
    expect(series[0]).toMatchObject({ time: '2025-05-01T12:00:00.000Z', queries: 1 });
    expect(totals.queries).toBe(3);
    clock.now += HOUR_MS;
    stats.observe(answered('d.example', 'zone'));
    ({ series, totals } = stats.snapshot());
    expect(series[0]).toMatchObject({ time: '2025-05-01T13:00:00.000Z', queries: 2 });
    expect(series[23]).toMatchObject({ time: '2025-05-02T12:00:00.000Z', queries: 1, local: 1 });
    expect(totals).toMatchObject({ queries: 3, cached: 0, blocked: 2, local: 1 });
    expect(stats.snapshot().topNames.map((entry) => entry.name)).not.toContain('a.example');

    // A day of silence empties everything, including the slot reused a day later.
    clock.now += 24 * HOUR_MS;
    expect(stats.snapshot().totals.queries).toBe(0);
    expect(stats.snapshot().topClients).toEqual([]);
  });

  it('keeps the heavy hitters of a flood of distinct names in bounded memory', () => {
    const { stats } = statsOnClock(50);
    for (let i = 0; i < 20_000; i++) {
      stats.observe(answered(`random${i}.example`, 'upstream:udp://9.9.9.9', `10.0.${i % 200}.1`));
      if (i % 10 === 0) stats.observe(answered('popular.example', 'cache', '192.168.1.10'));
      if (i % 25 === 0) stats.observe(answered('second.example', 'cache', '192.168.1.11'));
    }
    const snapshot = stats.snapshot(100);
    expect(snapshot.topNames.slice(0, 2)).toEqual([
      { name: 'popular.example', count: 2000 },
      { name: 'second.example', count: 800 },
    ]);
    expect(snapshot.topClients.slice(0, 2).map((entry) => entry.client)).toEqual(['192.168.1.10', '192.168.1.11']);
    // At most twice `topKeys` names are held in one hour, whatever the flood.
    expect(snapshot.topNames.length).toBeLessThanOrEqual(100);
    expect(stats.snapshot(1000).topNames.length).toBeLessThanOrEqual(100);
    expect(stats.snapshot(3).topNames).toHaveLength(3);
  });
});
