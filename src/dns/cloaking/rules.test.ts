import { describe, expect, it } from 'vitest';
import { mergeCloakRules, parseCloakingRules, type CloakRule } from './rules.ts';

const FILE = `# dnscrypt-proxy style cloaking rules
# The following are examples of cloaking rules

=router.lan        192.168.1.1
*.lan              192.168.1.99     # every other name in .lan
example.com        10.0.0.1
ads*               0.0.0.0
*tracker*          0.0.0.0
ad[0-9].*.net      0.0.0.0
photos.example     nas.home.lan
tv.lan             192.168.1.50\r
tv.lan             192.168.1.51\r
tv.lan             FD00::50\r
`;

function rule(text: string): CloakRule {
  const { rules, errors } = parseCloakingRules(text, 'test');
  expect(errors).toEqual([]);
  expect(rules).toHaveLength(1);
  return rules[0]!;
}

function errorsOf(text: string): { line: number; message: string }[] {
  return parseCloakingRules(text, 'rules.txt').errors.map(({ file, line, message }) => {
    expect(file).toBe('rules.txt');
    return { line, message };
  });
}

describe('parseCloakingRules', () => {
  it('reads a dnscrypt-proxy file with every kind of pattern, comments and CRLF', () => {
    const { rules, errors } = parseCloakingRules(FILE, 'cloaking-rules.txt');
    expect(errors).toEqual([]);
    expect(rules.map(({ kind, pattern, source }) => [kind, pattern, source.line])).toEqual([
      ['exact', 'router.lan', 4],
      ['suffix', 'lan', 5],
      ['suffix', 'example.com', 6],
      ['prefix', 'ads', 7],
      ['substring', 'tracker', 8],
      ['glob', 'ad[0-9].*.net', 9],
      ['suffix', 'photos.example', 10],
      ['suffix', 'tv.lan', 11],
    ]);
    expect(rules[6]!.target).toEqual({ kind: 'cname', name: 'nas.home.lan' });
    expect(rules[0]!.source).toEqual({ file: 'cloaking-rules.txt', line: 4 });
  });

  it('accumulates the addresses of several lines for one pattern, IPv6 lowercased', () => {
    const tv = parseCloakingRules(FILE, 'f').rules.find((r) => r.pattern === 'tv.lan')!;
    expect(tv.target).toEqual({ kind: 'addresses', ipv4: ['192.168.1.50', '192.168.1.51'], ipv6: ['fd00::50'] });
  });

  it('treats `*.a.com`, `a.com` and `.a.com` as one domain rule, deduplicating addresses', () => {
    const merged = rule('*.a.com 10.0.0.1\na.com 10.0.0.2\n.a.com 10.0.0.1\na.com. ::1');
    expect(merged).toMatchObject({ kind: 'suffix', pattern: 'a.com', source: { line: 1 } });
    expect(merged.target).toEqual({ kind: 'addresses', ipv4: ['10.0.0.1', '10.0.0.2'], ipv6: ['::1'] });
  });

  it('lowercases patterns and names and drops trailing dots', () => {
    expect(rule('=Router.LAN. 1.2.3.4')).toMatchObject({ kind: 'exact', pattern: 'router.lan' });
    expect(rule('ADS* 1.2.3.4')).toMatchObject({ kind: 'prefix', pattern: 'ads' });
    expect(rule('A?.Example.COM. 1.2.3.4')).toMatchObject({ kind: 'glob', pattern: 'a?.example.com' });
    expect(rule('x.com NAS.Home.Lan.').target).toEqual({ kind: 'cname', name: 'nas.home.lan' });
  });

  it('makes a star not at either end, or a leading star without a dot, a glob', () => {
    expect(rule('*example.com 1.2.3.4').kind).toBe('glob');
    expect(rule('a.*.com 1.2.3.4').kind).toBe('glob');
    expect(rule('??? 1.2.3.4').kind).toBe('glob');
    expect(rule('*.ads.* 1.2.3.4')).toMatchObject({ kind: 'substring', pattern: '.ads.' });
    expect(rule('ads.* 1.2.3.4')).toMatchObject({ kind: 'prefix', pattern: 'ads.' });
  });

  it('reports each bad line with its number and keeps the good ones', () => {
    const text = [
      'good.lan 10.0.0.1', // 1
      'lonely.lan', // 2 no value
      'a..b 10.0.0.1', // 3 empty label
      'x.lan 10.0.0.256', // 4 bad address
      'x.lan fe80::1%eth0', // 5 zone id
      '[a-.com 10.0.0.1', // 6 unclosed set
      'a[z-a]b 10.0.0.1', // 7 reversed range
      'x.lan too many fields', // 8
      '=a*.lan 10.0.0.1', // 9 wildcard in exact
      '* 10.0.0.1', // 10 everything
      'ad/s* 10.0.0.1', // 11 bad character
      'good.lan other.lan', // 12 name after addresses
      'c.lan one.lan', // 13
      'c.lan two.lan', // 14 second name
      'c.lan 10.0.0.1', // 15 addresses after a name
      'c.lan one.lan.', // 16 same name again: fine
    ].join('\n');
    const { rules, errors } = parseCloakingRules(text, 'rules.txt');
    expect(errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15]);
    expect(errors.every((e) => e.file === 'rules.txt' && e.message.length > 0)).toBe(true);
    expect(rules.map((r) => [r.pattern, r.target])).toEqual([
      ['good.lan', { kind: 'addresses', ipv4: ['10.0.0.1'], ipv6: [] }],
      ['c.lan', { kind: 'cname', name: 'one.lan' }],
    ]);
  });

  it('explains errors', () => {
    expect(errorsOf('\n\nlonely.lan')).toEqual([{ line: 3, message: '"lonely.lan" has no value' }]);
    expect(errorsOf('a.lan 1.1.1.1\na.lan b.lan')[0]!.message).toContain('rules.txt:1');
    expect(errorsOf('a.lan 999.1.1.1')[0]!.message).toContain('not a valid IP address');
  });

  it('never throws, whatever the input', () => {
    const alphabet = 'ab.*?[]!^-=#: \t\n\r\\0129%/é\u0000';
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let round = 0; round < 2000; round++) {
      let text = '';
      for (let i = next() % 60; i > 0; i--) text += alphabet[next() % alphabet.length];
      expect(() => parseCloakingRules(text, 'fuzz')).not.toThrow();
    }
  });
});

describe('mergeCloakRules', () => {
  it('accumulates one pattern across files and reports conflicts at the later line', () => {
    const a = parseCloakingRules('nas.lan 10.0.0.1\nweb.lan 10.0.0.5', 'a.txt').rules;
    const b = parseCloakingRules('*.nas.lan ::2\nweb.lan other.lan', 'b.txt').rules;
    const { rules, errors } = mergeCloakRules([...a, ...b]);
    expect(rules[0]!.target).toEqual({ kind: 'addresses', ipv4: ['10.0.0.1'], ipv6: ['::2'] });
    expect(rules[0]!.source).toEqual({ file: 'a.txt', line: 1 });
    expect(errors).toEqual([{ file: 'b.txt', line: 2, message: expect.stringContaining('a.txt:2') }]);
  });
});
