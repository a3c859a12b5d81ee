import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { describe, expect, it } from 'vitest';
import { dnsSchema } from './config.ts';
import { tempDir } from '../../test/support/temp-dir.ts';
import type { Query } from './message.ts';
import { createLogger } from '../observe/log.ts';
import { buildResolver, resolverDeps } from './resolver.ts';
import { normalizeAddress } from './views.ts';
import { parseQuery } from './wire.ts';

function question(name: string, type: dnsPacket.Question['type'] = 'A'): Query {
  const parsed = parseQuery(dnsPacket.encode({ type: 'query', id: 1, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type }] }));
  if (parsed.kind !== 'query') throw new Error('bad test query');
  return parsed.query;
}

function resolverFor(dns: unknown) {
  const dir = tempDir();
  mkdirSync(join(dir, 'lan'));
  mkdirSync(join(dir, 'guest'));
  const zone = (ip: string) => `$TTL 60\n@ IN SOA ns admin ( 1 1h 15m 7d 60 )\nnas IN A ${ip}\n`;
  writeFileSync(join(dir, 'lan/home.lan.zone'), zone('192.168.1.10'));
  writeFileSync(join(dir, 'guest/home.lan.zone'), zone('192.168.50.10'));
  const config = dnsSchema.parse({ zones_dir: join(dir, 'lan'), ...(dns as object) });
  return { built: buildResolver(config, resolverDeps(createLogger('silent'), tempDir())), dir };
}

const lan = { address: '192.168.1.20', port: 5000, transport: 'udp' as const };

describe('the resolver chain', () => {
  it('tags every answer with where it came from', async () => {
    const { built } = resolverFor({ cloaking: { rules: ['=tv.lan 192.168.1.50'] } });
    const { resolver } = built;
    expect((await resolver.resolve(question('nas.home.lan'), lan)).response.source).toBe('zone');
    expect((await resolver.resolve(question('tv.lan'), lan)).response.source).toBe('cloak');
    expect((await resolver.resolve(question('example.com'), lan)).response.source).toBe('refused');
  });

  it('answers a repeated question with the very same response (prepared bytes)', async () => {
    const { resolver } = resolverFor({}).built;
    const first = await resolver.resolve(question('nas.home.lan'), lan);
    expect((await resolver.resolve(question('NAS.home.lan'), lan)).response).toBe(first.response);
  });
});

describe('split horizon', () => {
  it('picks the first view whose clients contain the source address, IPv4 or IPv6', async () => {
    const { built, dir } = resolverFor({});
    const { resolver } = resolverFor({
      views: [
        { name: 'guests', clients: ['192.168.50.0/24', 'fd00:50::/64'], zones_dir: join(dir, 'guest') },
        { name: 'also-guests', clients: ['192.168.0.0/16'] },
      ],
    }).built;
    expect(built.resolver.select('192.168.50.7').name).toBe('default');
    expect(resolver.select('192.168.50.7').name).toBe('guests');
    expect(resolver.select('::ffff:192.168.50.7').name).toBe('guests');
    expect(resolver.select('fd00:50::7').name).toBe('guests');
    expect(resolver.select('192.168.1.7').name).toBe('also-guests');
    expect(resolver.select('10.0.0.1').name).toBe('default');
  });

  it('treats IPv4-mapped IPv6 addresses as the IPv4 address', () => {
    expect(normalizeAddress('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normalizeAddress('fd00::1')).toBe('fd00::1');
  });
});
