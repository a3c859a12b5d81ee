import { afterEach, describe, expect, it } from 'vitest';
import { FakeHttp } from '../../../test/support/fake-http.ts';
import { WebDetector } from './web.ts';

const PUBLIC_V4 = '93.184.216.34';
const OTHER_V4 = '93.184.216.35';
const PUBLIC_V6 = '2606:2800:220:1:248:1893:25c8:1946';

const fakes: FakeHttp[] = [];

/** One fake "what is my IP" service per answer. */
async function services(...answers: Array<string | 'hang' | { status: number }>): Promise<FakeHttp[]> {
  const started = await Promise.all(answers.map(() => FakeHttp.start()));
  started.forEach((fake, i) => {
    const answer = answers[i]!;
    fake.always(answer === 'hang' ? 'hang' : typeof answer === 'string' ? { body: answer } : answer);
  });
  fakes.push(...started);
  return started;
}

function detector(v4: readonly FakeHttp[], v6: readonly FakeHttp[] = []): WebDetector {
  return new WebDetector({ urls: { 4: v4.map((f) => `${f.url}/ip`), 6: v6.map((f) => f.url) }, timeoutMs: 300 });
}

afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('finding the public address through "what is my IP" services', () => {
  it('takes the address two services agree on, and asks no third', async () => {
    const [a, b, c] = await services(`${PUBLIC_V4}\n`, PUBLIC_V4, PUBLIC_V4);
    expect(await detector([a!, b!, c!]).detect(4)).toEqual({ kind: 'found', address: PUBLIC_V4, from: `${a!.url}/ip, ${b!.url}/ip` });
    expect(c!.requests).toEqual([]);
    expect(a!.requests[0]).toMatchObject({ method: 'GET', path: '/ip' });
    expect(a!.requests[0]!.headers['user-agent']).toBe('hearth - ddns - 0.1');
  });

  it('asks a third service when the first two disagree, and takes the majority', async () => {
    const [a, b, c] = await services(PUBLIC_V4, OTHER_V4, OTHER_V4);
    expect(await detector([a!, b!, c!]).detect(4)).toMatchObject({ kind: 'found', address: OTHER_V4 });
  });

  it('finds nothing when no two services agree', async () => {
    const [a, b] = await services(PUBLIC_V4, OTHER_V4);
    const detection = await detector([a!, b!]).detect(4);
    expect(detection.kind).toBe('missing');
    expect(detection).toMatchObject({ reason: expect.stringContaining('the services disagree') });
  });

  it('does not take one answer alone when the other services fail', async () => {
    const [a, b, c] = await services(PUBLIC_V4, { status: 503 }, 'hang');
    const detection = await detector([a!, b!, c!]).detect(4);
    expect(detection).toMatchObject({ kind: 'missing', reason: expect.stringContaining('no second service confirmed it') });
    expect(detection).toMatchObject({ reason: expect.stringContaining('HTTP 503') });
    expect(detection).toMatchObject({ reason: expect.stringContaining('no answer within 300 ms') });
  });

  it('gives up on a service that does not answer in time and asks the next', async () => {
    const [slow, a, b] = await services('hang', PUBLIC_V4, PUBLIC_V4);
    expect(await detector([slow!, a!, b!]).detect(4)).toMatchObject({ kind: 'found', address: PUBLIC_V4 });
  });

  it('rejects garbage, private and reserved addresses, and pages instead of addresses', async () => {
    const [html, privateV4, doc, long, a, b] = await services(
      '<html>login to the hotel wifi</html>',
      '192.168.1.20',
      '203.0.113.5',
      `${PUBLIC_V4}${' '.repeat(200)}`,
      PUBLIC_V4,
      PUBLIC_V4,
    );
    const detection = await detector([html!, privateV4!, doc!, long!]).detect(4);
    expect(detection.kind).toBe('missing');
    const reason = (detection as { reason: string }).reason;
    expect(reason).toContain('"<html>login to the hotel wifi</html>", not a public IPv4 address');
    expect(reason).toContain('"192.168.1.20", not a public IPv4 address');
    expect(reason).toContain('"203.0.113.5", not a public IPv4 address');
    expect(reason).toContain('not a bare address');
    expect(await detector([html!, a!, privateV4!, b!]).detect(4)).toMatchObject({ kind: 'found', address: PUBLIC_V4 });
  });

  it('wants an address of the family asked for, and writes IPv6 in its canonical form', async () => {
    const [v4a, v4b, v6a, v6b] = await services(PUBLIC_V4, PUBLIC_V4, '2606:2800:0220:0001:0248:1893:25C8:1946', PUBLIC_V6);
    expect(await detector([v4a!, v4b!], [v6a!, v6b!]).detect(6)).toMatchObject({ kind: 'found', address: PUBLIC_V6 });
    expect(await detector([], [v4a!, v4b!]).detect(6)).toMatchObject({ kind: 'missing' });
  });
});
