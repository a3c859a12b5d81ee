// GET /config hides secrets (tokens, passwords, TSIG secrets, the secret parts
// of URLs, the DDNS command), and a PUT that sends the placeholder back keeps
// a secret only for the very entry it belongs to: changing where a record
// sends its token while keeping the placeholder is refused (400).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type Harness, type Reply } from '../support/api-harness.ts';

/** A config as GET /config shows it: JSON to edit. */
type Body = Reply['body'];

const CONFIG = `dns:
  upstreams: { servers: ["https://dns.nextdns.io/abc123", "https://dns.quad9.net/dns-query", "https://d.adguard-dns.com/dns-query/x9y8z7"] }
  blocking: { lists: ["https://lists.example/private.txt?key=s3cret-list-key", "blocklists/default.txt"] }
ddns:
  ip: { source: command, command: ["snmpget", "-c", "community-secret", "router"] }
  records:
    - { provider: cloudflare, name: home.example.com, zone_id: abc, token: cf-secret-token }
    - { provider: dyndns2, name: home.dyndns.org, login: me, password: dyn-secret, server: "https://members.dyndns.org" }
dns_update:
  keys:
    - { name: ddns-key, secret: c2VjcmV0LWtleQ==, zones: [home.lan] }
`;

const SECRETS = /abc123|x9y8z7|s3cret-list-key|community-secret|cf-secret-token|dyn-secret|c2VjcmV0LWtleQ/;

describe('secrets over the API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await start(CONFIG);
  });
  afterAll(async () => h.close());

  const current = async () => (await h.call('GET', '/config')).body;

  it('are hidden by GET /config, URLs and the DDNS command included', async () => {
    const config = await current();
    expect(JSON.stringify(config)).not.toMatch(SECRETS);
    expect(config.dns.upstreams.servers).toEqual([
      'https://dns.nextdns.io/********',
      'https://dns.quad9.net/dns-query',
      'https://d.adguard-dns.com/dns-query/********',
    ]);
    expect(config.dns.blocking.lists[0]).toBe('https://lists.example/private.txt?key=********');
    expect(config.ddns.ip.command).toEqual(['********']);
  });

  it('come back whole when GET → PUT changes nothing around them', async () => {
    const config = await current();
    config.dns.cloaking.rules = ['=nas.lan 192.168.1.10'];
    expect((await h.call('PUT', '/config', { body: config })).status).toBe(200);
    const saved = h.store.current;
    expect(saved.dns.upstreams.servers[0]).toBe('https://dns.nextdns.io/abc123');
    expect(saved.dns.blocking.lists[0]).toBe('https://lists.example/private.txt?key=s3cret-list-key');
    expect(saved.ddns.ip.command).toEqual(['snmpget', '-c', 'community-secret', 'router']);
    expect(saved.ddns.records[0]).toMatchObject({ token: 'cf-secret-token' });
    expect(saved.dns_update.keys[0]?.secret).toBe('c2VjcmV0LWtleQ==');
  });

  it.each([
    [
      'a Cloudflare record pointed at another API',
      (c: Body) => {
        c.ddns.records[0].api_url = 'https://evil.example/client/v4';
      },
      ['ddns', 'records', 0, 'token'],
    ],
    [
      'a dyndns2 record pointed at another server',
      (c: Body) => {
        c.ddns.records[1].server = 'https://evil.example';
      },
      ['ddns', 'records', 1, 'password'],
    ],
    [
      'a TSIG key given more zones',
      (c: Body) => {
        c.dns_update.keys[0].zones.push('example.com');
      },
      ['dns_update', 'keys', 0, 'secret'],
    ],
    [
      'a DoH profile URL moved to another host',
      (c: Body) => {
        c.dns.upstreams.servers[0] = 'https://evil.example/********';
      },
      ['dns', 'upstreams', 'servers', 0],
    ],
  ])('are not kept for %s: 400, send the secret again', async (_what, change, path) => {
    const before = readFileSync(h.file!, 'utf8');
    const config = await current();
    change(config);
    const reply = await h.call('PUT', '/config', { body: config });
    expect(reply.status).toBe(400);
    expect(reply.body.issues[0].path).toEqual(path);
    expect(readFileSync(h.file!, 'utf8')).toBe(before);
  });

  it('may be replaced together with the rest of their entry', async () => {
    const config = await current();
    config.ddns.records[0] = { ...config.ddns.records[0], api_url: 'https://cf-proxy.example/client/v4', token: 'new-token' };
    expect((await h.call('PUT', '/config', { body: config })).status).toBe(200);
    expect(h.store.current.ddns.records[0]).toMatchObject({ api_url: 'https://cf-proxy.example/client/v4', token: 'new-token' });
  });
});
