import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { HealthWatch } from './health.ts';

describe('health checks', () => {
  it('a DNS listener that stops answering impairs the node after 3 checks; 5 good ones clear it', async () => {
    const server = createSocket('udp4');
    let answering = true;
    server.on('message', (query, from) => {
      if (!answering) return;
      const reply = Buffer.from(query);
      reply[2]! |= 0x80; // QR
      server.send(reply, from.port, from.address);
    });
    await new Promise<void>((bound) => server.bind(0, '127.0.0.1', bound));
    const reports: (string | undefined)[] = [];
    const watch = new HealthWatch({
      dns: { host: '127.0.0.1', port: server.address().port },
      dnsDeadlineMs: 100,
      lagLimitMs: 10_000,
      everyMs: 30,
      report: (reason) => reports.push(reason),
    });
    watch.start();
    const until = async (done: () => boolean) => {
      while (!done()) await new Promise((tick) => setTimeout(tick, 10));
    };
    await until(() => (watch.checks.get('dns self-check')?.passing ?? 0) >= 3);
    expect(reports).toEqual([]);
    answering = false;
    await until(() => reports.length === 1);
    expect(reports[0]).toBe('dns self-check failed ×3 (timed out after 100 ms)');
    answering = true;
    await until(() => reports.length === 2);
    expect(reports[1]).toBeUndefined();
    watch.stop();
    server.close();
  });

  it('upstreams count when tracked: none up is a failure', async () => {
    const reports: (string | undefined)[] = [];
    const watch = new HealthWatch({
      dnsDeadlineMs: 100,
      lagLimitMs: 10_000,
      everyMs: 10,
      upstreams: () => [false, false],
      report: (reason) => reports.push(reason),
    });
    watch.start();
    while (reports.length === 0) await new Promise((tick) => setTimeout(tick, 10));
    watch.stop();
    expect(reports).toEqual(['upstreams failed ×3 (0/2 up)']);
  });
});
