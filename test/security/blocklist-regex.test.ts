// Block lists cannot stall the resolver, nor be rewritten on the way:
//  - regexes run on RE2's linear-time engine, at most MAX_REGEXES of them in
//    a set however many lists there are, so a crafted name costs microseconds
//    (V8 took ~0.3 ms for each of these regexes on such a name);
//  - list URLs are https:// (or plain http to this host), and so is every
//    redirect they take.
import { createServer, type Server } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { Blocklists } from '../../src/dns/blocklist/blocklists.ts';
import { downloadList } from '../../src/dns/blocklist/sources.ts';
import { MAX_REGEXES } from '../../src/dns/blocklist/regex-set.ts';
import { createLogger } from '../../src/observe/log.ts';
import { tempDir } from '../integration/harness.ts';

describe('block list regexes', () => {
  it(`take at most ${MAX_REGEXES} from all lists together, and a crafted name costs little`, async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'lists'));
    // Accepted by the shape check, and slow on V8 for a long name of a's.
    const slow = (list: number) => Array.from({ length: 1000 }, (_, i) => `/^.*a.*b${list}x${i}$/`).join('\n');
    for (const list of [1, 2, 3]) writeFileSync(join(dir, 'lists', `${list}.txt`), slow(list));
    const lists = new Blocklists(join(dir, 'data'), createLogger('silent'));
    const ref = lists.ref({ lists: [1, 2, 3].map((list) => join(dir, 'lists', `${list}.txt`)), rules: [], allow: [] });
    await lists.load();
    expect(ref.reports.map((report) => report.stats?.regexes)).toEqual([1000, 0, 0]);
    expect(ref.reports[1]?.stats?.firstErrors[0]?.message).toMatch(/more than 1000 regexes in all the lists together/);
    const crafted = `${'a.'.repeat(125)}a`;
    for (let i = 0; i < 200; i++) expect(ref.check(crafted).verdict).toBe('none');
    expect(ref.check('aab1x7').verdict).toBe('blocked');
  }, 20_000);

  it('refuse lookarounds, which no linear-time engine runs', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'list.txt'), '/^ads(?=[0-9])/\n');
    const lists = new Blocklists(join(dir, 'data'), createLogger('silent'));
    const ref = lists.ref({ lists: [join(dir, 'list.txt')], rules: [], allow: [] });
    await lists.load();
    expect(ref.reports[0]?.stats).toMatchObject({ regexes: 0, invalid: 1 });
  });
});

describe('block list URLs', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/to-http') return void response.writeHead(302, { location: 'http://lists.example/list.txt' }).end();
      if (request.url === '/to-local') return void response.writeHead(301, { location: '/list.txt' }).end();
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ads.example\n');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((done) => server.close(done)));

  it('must be https:// in the config, but for this host itself', () => {
    const issues = configSchema.safeParse({ dns: { blocking: { lists: ['http://lists.example/hosts.txt'] } } }).error?.issues;
    expect(issues?.[0]?.path).toEqual(['dns', 'blocking', 'lists', 0]);
    expect(issues?.[0]?.message).toMatch(/https:\/\/ only/);
    expect(configSchema.safeParse({ dns: { blocking: { lists: ['https://lists.example/hosts.txt', 'http://127.0.0.1:8080/x.txt'] } } }).success).toBe(true);
  });

  it('are not followed by a redirect to plain http elsewhere; a redirect on this host is', async () => {
    const dir = tempDir();
    expect(await downloadList(`${base}/to-http`, dir)).toEqual({
      outcome: 'failed',
      error: expect.stringMatching(/^redirected to http:\/\/ list URL "http:\/\/lists.example/),
    });
    expect(await downloadList(`${base}/to-local`, dir)).toMatchObject({ outcome: 'downloaded' });
  });
});
