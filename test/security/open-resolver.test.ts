// hearth is no open resolver: only dns.allow's clients get answers (by default
// `local`: loopback and this host's own subnets), everyone else REFUSED, with
// no recursion and no local data. Seen from dig on two loopback source
// addresses; the lab test (lan-only.test.ts) checks `local` on a real LAN.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { describeWith, dig, ROOT, startHearth, type Running } from '../integration/harness.ts';

const ZONE = '$TTL 60\n@ IN SOA ns admin ( 1 1h 15m 7d 60 )\nnas IN A 192.168.1.10\n';

describe('the shipped config and the defaults', () => {
  it('answer only local clients', () => {
    expect(configSchema.parse({}).dns.allow).toEqual(['local']);
    const example = configSchema.parse(parse(readFileSync(join(ROOT, 'hearth.example.yaml'), 'utf8')));
    expect(example.dns.allow).toEqual(['local']);
  });

  it('reject an allow entry that is neither "local" nor a CIDR', () => {
    const result = configSchema.safeParse({ dns: { allow: ['everyone'] } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['dns', 'allow', 0]);
  });
});

describeWith(['dig'])('a client outside dns.allow', () => {
  let hearth: Running;

  beforeAll(async () => {
    hearth = await startHearth(
      `
dns:
  listen: ["127.0.0.1:PORT"]
  allow: ["127.0.0.1/32"]
  zones_dir: zones
  blocking: { lists: [] }
  cloaking: { rules: ["=router.lan 192.168.1.1"] }
`,
      { 'zones/home.lan.zone': ZONE },
    );
  });
  afterAll(() => hearth?.stop());

  it('gets REFUSED for local data over UDP and TCP, an allowed one the answer', async () => {
    expect((await dig(hearth.port, ['nas.home.lan', 'A'])).answer).toEqual(['nas.home.lan. 60 IN A 192.168.1.10']);
    for (const transport of ['+notcp', '+tcp']) {
      const refused = await dig(hearth.port, ['-b', '127.0.0.2', transport, 'nas.home.lan', 'A']);
      expect(refused.status).toBe('REFUSED');
      expect(refused.answer).toEqual([]);
      expect((await dig(hearth.port, ['-b', '127.0.0.2', transport, 'router.lan', 'A'])).status).toBe('REFUSED');
    }
  });

  it('gets REFUSED for a name that would go upstream, and the refusal is counted', async () => {
    expect((await dig(hearth.port, ['-b', '127.0.0.2', 'example.com', 'A'])).status).toBe('REFUSED');
    const api = /api: \{ listen: "127\.0\.0\.1:(\d+)"/.exec(readFileSync(join(hearth.dir, 'hearth.yaml'), 'utf8'))![1];
    const token = readFileSync(join(hearth.dir, 'data/api.token'), 'utf8').trim();
    const metrics = await (await fetch(`http://127.0.0.1:${api}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(metrics).toMatch(/hearth_dns_queries_total\{source="denied",rcode="REFUSED",view=""\} [1-9]/);
  });
});

describeWith(['dig'])('the default allow list', () => {
  let hearth: Running;

  beforeAll(async () => {
    hearth = await startHearth('dns:\n  listen: ["127.0.0.1:PORT"]\n  zones_dir: zones\n  blocking: { lists: [] }\n', { 'zones/home.lan.zone': ZONE });
  });
  afterAll(() => hearth?.stop());

  it('answers every loopback address (local)', async () => {
    expect((await dig(hearth.port, ['-b', '127.0.0.2', 'nas.home.lan', 'A'])).answer).toEqual(['nas.home.lan. 60 IN A 192.168.1.10']);
  });
});
