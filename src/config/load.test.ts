import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.ts';

describe('loading the config file', () => {
  it('accepts an empty file: every key has a default', () => {
    const result = parseConfig('', 'hearth.yaml');
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.config.dns.listen).toEqual(['127.0.0.1:5353']);
      expect(result.config.dns.zones_dir).toBe('zones');
      expect(result.config.dhcp.lease_time).toBe(12 * 3600);
    }
  });

  it('reports every problem with its line and key path', () => {
    const text = [
      'dns:', // 1
      '  cloaking:', // 2
      '    ttl: soon', // 3
      '  views:', // 4
      '    - name: guests', // 5
      '      clients: [10.0.0.0/8, nonsense]', // 6
      'dhcp:', // 7
      '  lease_tme: 12h', // 8
    ].join('\n');
    const result = parseConfig(text, 'h.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => `${e.file}:${e.line}: ${e.message}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^h\.yaml:3: dns\.cloaking\.ttl: "soon" is not a duration/),
        expect.stringMatching(/^h\.yaml:6: dns\.views\[0\]\.clients\[1\]: "nonsense" is not a CIDR/),
        expect.stringMatching(/^h\.yaml:8: dhcp: .*lease_tme/),
      ]),
    );
    // What is left once the bad keys are dropped is still a usable config.
    expect(result.partial?.dns.views[0]?.clients).toEqual(['10.0.0.0/8']);
  });

  it('reports YAML syntax errors with their line', () => {
    const result = parseConfig('dns:\n  listen: ["a"\n  zones_dir: x\n', 'h.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]?.line).toBeGreaterThan(1);
  });

  it("leaves a view's unset keys unset, so the view inherits the default view's", () => {
    const result = parseConfig(
      'dns:\n  forward: [{ domains: [lan], servers: ["udp://127.0.0.1"] }]\n  views:\n    - { name: a, clients: [10.0.0.0/8] }\n',
      'h.yaml',
    );
    expect(result.ok && result.config.dns.views[0]).toEqual({ name: 'a', clients: ['10.0.0.0/8'] });
  });

  it('rejects duplicate view names', () => {
    const result = parseConfig('dns:\n  views:\n    - {name: a, clients: [10.0.0.0/8]}\n    - {name: a, clients: [10.1.0.0/16]}\n', 'h.yaml');
    expect(result.ok).toBe(false);
  });
});
