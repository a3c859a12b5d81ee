// The admin API through a real HTTP client against a listening server, with
// a fake hearth behind ApiContext and a real ConfigStore on a temp file.
import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILURES_PER_MINUTE } from './auth.ts';
import { CHECK, start, TOKEN, type Harness } from '../../test/support/api-harness.ts';

const CONFIG = `dns:
  cloaking:
    rules: ["=nas.lan 192.168.1.10"]  # the NAS
    ttl: 10m
  blocking:
    lists: ["blocklists/default.txt"]
ddns:
  records:
    - { provider: cloudflare, name: home.example.com, zone_id: abc, token: cf-secret-token }
    - { provider: rfc2136, name: home.example.org, server: "127.0.0.1:53", zone: example.org, key_name: k, key_secret: dHNpZy1zZWNyZXQ= }
dns_update:
  keys:
    - { name: ddns-key, secret: c2VjcmV0LWtleQ==, zones: [home.lan] }
`;

describe('the admin API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await start(CONFIG);
  });
  afterAll(async () => h.close());

  it('answers GET /health without a token', async () => {
    const reply = await h.call('GET', '/health', { token: null });
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'ok', version: pkg.version, uptime_s: expect.any(Number) });
  });

  it('sets helmet headers, without upgrading the plain-HTTP UI to HTTPS', async () => {
    const reply = await h.call('GET', '/health', { token: null });
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(reply.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
  });

  describe('auth', () => {
    it('answers 401 without a token, with a wrong one, or another scheme', async () => {
      for (const token of [null, 'wrong']) {
        const reply = await h.call('GET', '/config', { token });
        expect(reply.status).toBe(401);
        expect(reply.body.error).toBe('unauthorized');
        expect(reply.headers.get('www-authenticate')).toBe('Bearer');
      }
      const basic = await fetch(`${h.url}/config`, { headers: { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` } });
      expect(basic.status).toBe(401);
      const lowercase = await fetch(`${h.url}/config`, { headers: { authorization: `bearer ${TOKEN}` } });
      expect(lowercase.status).toBe(200);
    });

    it('hides unknown routes behind auth, then answers 404', async () => {
      expect((await h.call('GET', '/nowhere', { token: null })).status).toBe(401);
      const reply = await h.call('GET', '/nowhere');
      expect(reply.status).toBe(404);
      expect(reply.body).toEqual({ error: 'not_found', message: 'no route GET /nowhere' });
    });
  });

  describe('GET/PUT /config', () => {
    it('hides secrets', async () => {
      const reply = await h.call('GET', '/config');
      expect(reply.status).toBe(200);
      expect(reply.body.dns_update.keys[0].secret).toBe('********');
      expect(reply.body.ddns.records[0]).toEqual({ provider: 'cloudflare', name: 'home.example.com', zone_id: 'abc', token: '********' });
      expect(reply.body.ddns.records[1].key_secret).toBe('********');
      expect(JSON.stringify(reply.body)).not.toMatch(/cf-secret-token|c2VjcmV0LWtleQ|dHNpZy1zZWNyZXQ/);
      expect(reply.body.dns.cloaking).toEqual({ files: [], rules: ['=nas.lan 192.168.1.10'], ttl: 600 });
    });

    it('takes back what GET gave, edited, and keeps the secrets', async () => {
      const config = (await h.call('GET', '/config')).body;
      config.dns.cache.max_entries = 1234;
      const before = h.store.version;
      const reply = await h.call('PUT', '/config', { body: config });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ version: before + 1, hash: h.store.hash });
      expect(h.store.current.dns.cache.max_entries).toBe(1234);
      expect(h.store.current.dns_update.keys[0]?.secret).toBe('c2VjcmV0LWtleQ==');
      expect(h.store.current.ddns.records[0]).toMatchObject({ token: 'cf-secret-token' });
      const text = readFileSync(h.file!, 'utf8');
      expect(text).toContain('cf-secret-token');
      expect(text).not.toContain('********');
      expect(text).toContain('# the NAS');
      expect((await h.call('GET', '/config')).body.dns.cache.max_entries).toBe(1234);
    });

    it('refuses the placeholder for a secret it does not have', async () => {
      const config = (await h.call('GET', '/config')).body;
      config.dns_update.keys.push({ name: 'new-key', secret: '********', zones: [] });
      const reply = await h.call('PUT', '/config', { body: config });
      expect(reply.status).toBe(400);
      expect(reply.body.issues).toEqual([expect.objectContaining({ path: ['dns_update', 'keys', 1, 'secret'] })]);
    });

    it.each([
      ['a wrong type', { dns: { cache: { max_entries: 'lots' } } }, ['dns', 'cache', 'max_entries']],
      ['an unknown key', { dns: { lisen: ['127.0.0.1'] } }, ['dns']],
      ['an invalid CIDR', { dns: { views: [{ name: 'kids', clients: ['10.0.0.0/33'] }] } }, ['dns', 'views', 0, 'clients', 0]],
      ['an invalid IP', { dns: { blocking: { mode: 'custom_ip', custom_ip: ['300.1.1.1'] } } }, ['dns', 'blocking', 'custom_ip', 0]],
      ['an invalid MAC', { dhcp: { static_leases: [{ mac: 'aa:bb:cc', ip: '192.168.1.10' }] } }, ['dhcp', 'static_leases', 0, 'mac']],
      ['not an object', 'hello', []],
    ])('answers 400 with the issue path for %s', async (_what, body, path) => {
      const reply = await h.call('PUT', '/config', { body });
      expect(reply.status).toBe(400);
      expect(reply.body.error).toBe('bad_request');
      expect(reply.body.issues).toContainEqual(expect.objectContaining({ in: 'body', path }));
      if (_what === 'an unknown key') expect(reply.body.message).toContain('lisen');
    });

    it('answers 400 to broken JSON, 415 to another type and 413 to a huge body', async () => {
      expect((await h.call('PUT', '/config', { raw: '{"dns": ' })).status).toBe(400);
      expect((await h.call('PUT', '/config', { raw: 'dns: {}', type: 'application/yaml' })).status).toBe(415);
      const huge = await h.call('PUT', '/config', { raw: JSON.stringify({ data_dir: 'x'.repeat(2 * 1024 * 1024) }) });
      expect(huge.status).toBe(413);
      expect(huge.body.error).toBe('payload_too_large');
    });
  });

  describe('/cloaking', () => {
    it('lists, adds and removes inline rules through the config file', async () => {
      expect((await h.call('GET', '/cloaking')).body).toEqual({ rules: ['=nas.lan 192.168.1.10'] });
      const added = await h.call('POST', '/cloaking', { body: { rule: '  *.lab.lan   192.168.1.3 ' } });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ rules: ['=nas.lan 192.168.1.10', '*.lab.lan 192.168.1.3'], version: h.store.version });
      expect(readFileSync(h.file!, 'utf8')).toContain('*.lab.lan 192.168.1.3');
      expect((await h.call('POST', '/cloaking', { body: { rule: '*.lab.lan 192.168.1.3' } })).status).toBe(409);
      const removed = await h.call('DELETE', '/cloaking', { body: { rule: '*.lab.lan 192.168.1.3' } });
      expect(removed.status).toBe(200);
      expect(removed.body.rules).toEqual(['=nas.lan 192.168.1.10']);
      expect((await h.call('DELETE', '/cloaking', { body: { rule: '*.lab.lan 192.168.1.3' } })).status).toBe(404);
    });

    it.each([
      ['no value', { rule: '=tv.lan' }],
      ['a bad address', { rule: '=tv.lan 1.2.3' }],
      ['two lines', { rule: '=a.lan 10.0.0.1\n=b.lan 10.0.0.2' }],
      ['only a comment', { rule: '# nothing' }],
      ['a name beside addresses', { rule: '=nas.lan other.lan' }],
      ['a wrong type', { rule: 42 }],
    ])('answers 400 to a rule with %s', async (_what, body) => {
      const reply = await h.call('POST', '/cloaking', { body });
      expect(reply.status).toBe(400);
      expect(reply.body.issues[0].path).toEqual(['rule']);
    });

    it('answers 400 to unknown keys and a missing body', async () => {
      expect((await h.call('POST', '/cloaking', { body: { rule: '=a.lan 10.0.0.1', view: 'kids' } })).status).toBe(400);
      expect((await h.call('DELETE', '/cloaking')).status).toBe(400);
    });
  });

  describe('/blocklists', () => {
    it("lists the default view's lists with what each held", async () => {
      const reply = await h.call('GET', '/blocklists');
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ lists: [{ source: 'blocklists/default.txt', stats: { blocked: 7, allowed: 1, regexes: 0, unsupported: 2, invalid: 0 } }] });
    });

    it('adds and removes URLs and files', async () => {
      const url = 'https://lists.example/hosts.txt';
      const added = await h.call('POST', '/blocklists', { body: { url } });
      expect(added.status).toBe(201);
      expect(added.body.lists.map((l: { source: string }) => l.source)).toEqual(['blocklists/default.txt', url]);
      expect(h.store.current.dns.blocking.lists).toContain(url);
      expect((await h.call('POST', '/blocklists', { body: { url } })).status).toBe(409);
      const path = join(h.dir, 'lists', 'extra.txt');
      expect((await h.call('POST', '/blocklists', { body: { path } })).status).toBe(201);
      expect((await h.call('DELETE', '/blocklists', { body: { url } })).status).toBe(200);
      expect((await h.call('DELETE', '/blocklists', { body: { path } })).body.lists).toHaveLength(1);
      expect((await h.call('DELETE', '/blocklists', { body: { url } })).status).toBe(404);
    });

    it.each([
      ['both url and path', { url: 'https://a.example/', path: 'x.txt' }, []],
      ['neither', {}, []],
      ['an ftp URL', { url: 'ftp://a.example/list' }, ['url']],
      ['a URL as a path', { path: 'https://a.example/' }, ['path']],
      ['a missing file', { path: '/nonexistent/list.txt' }, ['path']],
    ])('answers 400 to %s', async (_what, body, path) => {
      const reply = await h.call('POST', '/blocklists', { body });
      expect(reply.status).toBe(400);
      expect(reply.body.issues[0].path).toEqual(path);
    });

    it('refreshes now', async () => {
      const reply = await h.call('POST', '/blocklists/refresh');
      expect(reply.status).toBe(200);
      expect(h.refreshed()).toBe(1);
    });

    it('checks a name', async () => {
      const reply = await h.call('GET', '/blocklists/check?name=Ads.Example');
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual(CHECK);
      expect((await h.call('GET', '/blocklists/check?name=ads..example')).status).toBe(400);
      expect((await h.call('GET', '/blocklists/check')).body.issues[0]).toMatchObject({ in: 'querystring', path: ['name'] });
      expect((await h.call('GET', '/blocklists/check?name=a.example&view=nope')).status).toBe(404);
    });
  });

  it('flushes the cache', async () => {
    expect((await h.call('POST', '/cache/flush')).body).toEqual({ flushed: 42 });
  });

  it('serves the observe routes', async () => {
    const metrics = await h.call('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect((await h.call('GET', '/stats')).status).toBe(200);
    expect((await h.call('GET', '/querylog')).status).toBe(404); // no query log in this fake hearth
    expect((await h.call('GET', '/metrics', { token: null })).status).toBe(401);
  });

  it('shows the dynamic DNS status, runs an update on request, and states failover as not enabled', async () => {
    expect((await h.call('GET', '/ddns')).body).toMatchObject({ enabled: false, records: [] });
    expect((await h.call('POST', '/ddns/update', { body: { force: true } })).body).toMatchObject({ enabled: false });
    expect((await h.call('POST', '/ddns/update', { body: { force: 'yes' } })).status).toBe(400);
    expect((await h.call('GET', '/ha')).body).toEqual({ enabled: false });
    for (const path of ['/ha/promote', '/ha/demote']) {
      const reply = await h.call('POST', path);
      expect(reply.status, path).toBe(409);
      expect(reply.body.error).toBe('not_enabled');
    }
  });

  describe('the OpenAPI document', () => {
    it('validates and lists every route, each behind the token but /health', async () => {
      const reply = await h.call('GET', '/openapi.json');
      expect(reply.status).toBe(200);
      await SwaggerParser.validate(structuredClone(reply.body));
      const routes = Object.entries(reply.body.paths as Record<string, Record<string, { security?: unknown[] }>>).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(routes.sort()).toEqual(
        expect.arrayContaining([
          'GET /health',
          'GET /config',
          'PUT /config',
          'GET /cloaking',
          'POST /cloaking',
          'DELETE /cloaking',
          'GET /blocklists',
          'POST /blocklists',
          'DELETE /blocklists',
          'POST /blocklists/refresh',
          'GET /blocklists/check',
          'POST /cache/flush',
          'GET /dhcp/leases',
          'DELETE /dhcp/leases/{address}',
          'GET /dhcp/static',
          'POST /dhcp/static',
          'DELETE /dhcp/static',
          'GET /ddns',
          'POST /ddns/update',
          'GET /ha',
          'POST /ha/promote',
          'POST /ha/demote',
          'GET /querylog',
          'GET /stats',
          'GET /metrics',
          'GET /zones',
          'GET /zones/{zone}/records',
          'POST /zones/{zone}/records',
          'DELETE /zones/{zone}/records',
        ]),
      );
      expect(reply.body.paths['/health'].get.security).toEqual([]);
      expect(reply.body.security).toEqual([{ bearer: [] }]);
      expect(reply.body.paths['/config'].put.requestBody.content['application/json'].schema.properties).toHaveProperty('dns');
    });

    it('is browsable at /docs without the token (the UI sends it with each call)', async () => {
      const reply = await h.call('GET', '/docs/', { token: null });
      expect(reply.status).toBe(200);
      expect(String(reply.body)).toContain('swagger-ui');
    });
  });
});

describe('PUT /config on the built-in config', () => {
  it('answers 409: there is no file to write', async () => {
    const h = await start(null);
    try {
      const config = (await h.call('GET', '/config')).body;
      const reply = await h.call('PUT', '/config', { body: config });
      expect(reply.status).toBe(409);
      expect(reply.body.error).toBe('config_not_writable');
      expect(reply.body.message).toContain('-c FILE');
      expect((await h.call('POST', '/cloaking', { body: { rule: '=a.lan 10.0.0.1' } })).status).toBe(409);
    } finally {
      await h.close();
    }
  });
});

describe('a bug behind a route', () => {
  it('answers 500 without details', async () => {
    const h = await start('', {
      flushCache: () => {
        throw new Error('cache exploded at 0xdeadbeef');
      },
    });
    try {
      const reply = await h.call('POST', '/cache/flush');
      expect(reply.status).toBe(500);
      expect(reply.body).toEqual({ error: 'internal', message: 'internal error in hearth (logged)' });
    } finally {
      await h.close();
    }
  });
});

describe('failed logins', () => {
  it(`are limited to ${FAILURES_PER_MINUTE} a minute per address, while the right token still gets in`, async () => {
    const h = await start();
    try {
      for (let i = 0; i < FAILURES_PER_MINUTE; i++) expect((await h.call('GET', '/config', { token: `guess-${i}` })).status).toBe(401);
      const limited = await h.call('GET', '/config', { token: 'one-more' });
      expect(limited.status).toBe(429);
      expect(limited.body.error).toBe('too_many_requests');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await h.call('GET', '/config', { token: 'and-another' })).status).toBe(429);
      expect((await h.call('GET', '/config')).status).toBe(200);
      expect((await h.call('GET', '/health', { token: null })).status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('do not count successful requests', async () => {
    const h = await start();
    try {
      for (let i = 0; i < FAILURES_PER_MINUTE * 2; i++) expect((await h.call('GET', '/cloaking')).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});
