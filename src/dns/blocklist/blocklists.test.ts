import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../observe/log.ts';
import { tempDir } from '../../../test/support/temp-dir.ts';
import { Blocklists } from './blocklists.ts';

function setup() {
  const dir = tempDir();
  mkdirSync(join(dir, 'lists'));
  writeFileSync(join(dir, 'lists/ads.txt'), '||ads.example^\n0.0.0.0 tracker.example\n');
  writeFileSync(join(dir, 'lists/allow.txt'), 'ok.tracker.example\n');
  return { dir, lists: new Blocklists(join(dir, 'data'), createLogger('silent')) };
}

describe('the blocklists of a config', () => {
  it('builds one set per distinct config and says which list and line decided', async () => {
    const { dir, lists } = setup();
    const ref = lists.ref({ lists: [join(dir, 'lists/ads.txt')], rules: [], allow: [join(dir, 'lists/allow.txt'), 'good.ads.example'] });
    expect(lists.ref({ lists: [join(dir, 'lists/ads.txt')], rules: [], allow: [join(dir, 'lists/allow.txt'), 'good.ads.example'] })).toBe(ref);
    await lists.load();
    expect(ref.check('x.ads.example')).toMatchObject({ verdict: 'blocked', decidedBy: { list: join(dir, 'lists/ads.txt'), line: 1 } });
    expect(ref.check('ok.tracker.example')).toMatchObject({ verdict: 'allowed', decidedBy: { list: join(dir, 'lists/allow.txt'), line: 1 } });
    expect(ref.check('good.ads.example')).toMatchObject({ verdict: 'allowed', decidedBy: { list: 'config:dns.blocking.allow' } });
    expect(ref.check('good.ads.example').matches.map((m) => m.kind)).toEqual(['allow', 'block']);
    expect(ref.check('example.org')).toEqual({ verdict: 'none', matches: [] });
  });

  it('reports a list it cannot read, and a URL never downloaded, without failing the others', async () => {
    const { dir, lists } = setup();
    const ref = lists.ref({ lists: [join(dir, 'missing.txt'), 'http://127.0.0.1:9/list.txt', join(dir, 'lists/ads.txt')], rules: [], allow: [] });
    await lists.load();
    expect(lists.errors().map((e) => e.message)).toEqual([expect.stringMatching(/cannot read/), 'not downloaded yet']);
    expect(ref.check('ads.example').verdict).toBe('blocked');
  });

  it('blocks the inline rules of dns.blocking.rules, and an inline allow still beats them', async () => {
    const { dir, lists } = setup();
    const ref = lists.ref({ lists: [join(dir, 'lists/ads.txt')], rules: ['homework.example', '||games.example^'], allow: ['ok.games.example'] });
    await lists.load();
    expect(ref.check('homework.example')).toMatchObject({ verdict: 'blocked', decidedBy: { list: 'config:dns.blocking.rules', line: 1 } });
    expect(ref.check('x.games.example')).toMatchObject({ verdict: 'blocked', decidedBy: { list: 'config:dns.blocking.rules', line: 2 } });
    expect(ref.check('ok.games.example')).toMatchObject({ verdict: 'allowed', decidedBy: { list: 'config:dns.blocking.allow', line: 1 } });
    expect(ref.check('tracker.example')).toMatchObject({ verdict: 'blocked', decidedBy: { list: join(dir, 'lists/ads.txt'), line: 2 } });
  });

  it('says when the copy of a URL list in use was downloaded', async () => {
    const { lists } = setup();
    const server = createServer((_request, response) => response.end('||ads.example^\n'));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/list.txt`;
      const ref = lists.ref({ lists: [url], rules: [], allow: [] });
      await lists.load();
      expect(ref.reports).toEqual([{ source: url, error: 'not downloaded yet' }]);
      const before = Date.now();
      await lists.refresh();
      expect(ref.check('ads.example').verdict).toBe('blocked');
      expect(Date.parse(ref.reports[0]?.downloaded ?? '')).toBeGreaterThanOrEqual(before - 1000);
    } finally {
      server.close();
    }
  });
});
