import { describe, expect, it } from 'vitest';
import { ddnsSchema, parseServerAddress } from './config.ts';

const issues = (input: unknown) => ddnsSchema.safeParse(input).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);

describe('the ddns config section', () => {
  it('works empty: every five minutes, both families from the well-known web services, no records', () => {
    const config = ddnsSchema.parse({});
    expect(config).toMatchObject({ schedule: '*/5 * * * *', ip: { source: 'web', v4: true, v6: true, timeout: 10 }, records: [] });
    expect(config.ip.urls.v4.length).toBeGreaterThanOrEqual(2);
    expect(config.ip.urls.v6.every((url) => url.startsWith('https://'))).toBe(true);
  });

  it('keeps a record as written, defaults left to the provider', () => {
    const record = { provider: 'cloudflare', name: 'home.example.com', zone_id: 'abc', token: 'cf' };
    expect(ddnsSchema.parse({ records: [record] }).records).toEqual([record]);
  });

  it('wants exactly one of a secret and its file', () => {
    expect(issues({ records: [{ provider: 'duckdns', name: 'myhome' }] })).toEqual(['records.0.token: needs exactly one of token or token_file']);
    expect(issues({ records: [{ provider: 'dyndns2', name: 'h.example.com', login: 'a', password: 'p', password_file: '/p' }] })).toEqual([
      'records.0.password: needs exactly one of password or password_file',
    ]);
  });

  it("checks each provider's own keys", () => {
    expect(issues({ records: [{ provider: 'cloudflare', name: 'h.example.com', token: 't', server: 'x' }] })).toEqual([
      'records.0.zone_id: Invalid input: expected string, received undefined',
      'records.0: Unrecognized key: "server"',
    ]);
    expect(issues({ records: [{ provider: 'route53', name: 'h.example.com' }] })?.[0]).toMatch(/^records.0.provider: Invalid discriminator value/);
  });

  it('wants an rfc2136 name inside its zone, and a server address', () => {
    const record = {
      provider: 'rfc2136',
      name: 'home.example.org',
      zone: 'example.com',
      server: 'ns1.example.com:5300',
      key_name: 'k',
      key_secret: 'c2VjcmV0',
    };
    expect(issues({ records: [record] })).toEqual(['records.0.name: the name is not in the zone']);
    expect(issues({ records: [{ ...record, name: 'home.example.com', server: '1.2.3:53' }] })?.[0]).toMatch(/^records.0.server: not a server address/);
  });

  it('refuses the same record twice', () => {
    const record = { provider: 'duckdns', name: 'myhome', token: 't' };
    expect(issues({ records: [record, { ...record, name: 'MyHome.' }] })).toEqual(['records: a record is listed twice (same provider and name)']);
  });

  it('wants the settings the address source needs, and two URLs a family', () => {
    expect(issues({ ip: { source: 'interface' } })).toEqual(['ip.interface: source interface needs ip.interface']);
    expect(issues({ ip: { source: 'command' } })).toEqual(['ip.command: source command needs ip.command']);
    expect(issues({ ip: { source: 'command', command: 'curl -s http://router/ip | jq .wan' } })?.[0]).toMatch(/^ip.command: shell syntax in a command string/);
    expect(issues({ ip: { v4: false, v6: false } })).toEqual(['ip.v4: at least one of v4 and v6 must be true']);
    expect(issues({ ip: { urls: { v4: ['http://127.0.0.1:1/'] } } })).toEqual(['ip.urls.v4: at least two URLs: two answers must agree']);
    expect(issues({ ip: { urls: { v4: ['ftp://a', 'http://b'] } } })).toEqual(['ip.urls.v4.0: not an http(s) URL']);
  });
});

describe('ip.command', () => {
  it('is an argument array; a string of plain words is split into one', () => {
    expect(ddnsSchema.parse({ ip: { source: 'command', command: ['/usr/local/bin/wan-ip', '--v4'] } }).ip.command).toEqual(['/usr/local/bin/wan-ip', '--v4']);
    expect(ddnsSchema.parse({ ip: { source: 'command', command: ' wan-ip  --v4 ' } }).ip.command).toEqual(['wan-ip', '--v4']);
    expect(ddnsSchema.parse({ ip: { source: 'command', command: ['/bin/sh', '-c', 'curl -s http://router/ip | jq .wan'] } }).ip.command).toEqual([
      '/bin/sh',
      '-c',
      'curl -s http://router/ip | jq .wan',
    ]);
  });
});

describe('server addresses', () => {
  it('reads addresses and names with an optional port', () => {
    expect(parseServerAddress('192.0.2.53')).toEqual({ host: '192.0.2.53', port: 53 });
    expect(parseServerAddress('ns1.example.com:5353')).toEqual({ host: 'ns1.example.com', port: 5353 });
    expect(parseServerAddress('[2001:db8::53]:5300')).toEqual({ host: '2001:db8::53', port: 5300 });
    expect(parseServerAddress('2001:db8::53')).toEqual({ host: '2001:db8::53', port: 53 });
    for (const bad of ['1.2.3:53', 'ns1:0', 'ns1:70000', '[ns1]:53', '']) expect(parseServerAddress(bad)).toBeUndefined();
  });
});
