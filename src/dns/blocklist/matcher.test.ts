import { describe, expect, it } from 'vitest';
import { MAX_REGEXES } from './regex-set.ts';
import { DomainSetBuilder, type DomainSet } from './matcher.ts';
import { parseList } from './parse.ts';

/** A set from lists given as text; list i is `lists[i]`, an allowlist when it starts with "#allow". */
function setOf(...lists: string[]): DomainSet {
  const builder = new DomainSetBuilder();
  lists.forEach((text, list) => {
    const stats = parseList(text, builder, { file: `list${list}`, list, role: text.startsWith('#allow') ? 'allow' : 'block' });
    expect(stats.firstErrors).toEqual([]);
  });
  return builder.build();
}

/** "blocked list:line rule", "allowed ...", or "none". */
function decide(set: DomainSet, name: string): string {
  const d = set.decide(name);
  return d.verdict === 'none' ? 'none' : `${d.verdict} ${d.list}:${d.line} ${d.rule}`;
}

describe('DomainSet.decide', () => {
  it('blocks a listed name and every name below it, nothing else', () => {
    const set = setOf('ads.example\n0.0.0.0 tracker.example.net\n||metrics.example.org^');
    expect(decide(set, 'ads.example')).toBe('blocked 0:1 ads.example');
    expect(decide(set, 'x.ads.example')).toBe('blocked 0:1 ads.example');
    expect(decide(set, 'a.b.c.ads.example')).toBe('blocked 0:1 ads.example');
    expect(decide(set, 'cdn.tracker.example.net')).toBe('blocked 0:2 tracker.example.net');
    expect(decide(set, 'metrics.example.org')).toBe('blocked 0:3 metrics.example.org');
    for (const name of ['example', 'notads.example', 'ads.example.com', 'example.net', 'xads.example', 'com', '']) {
      expect(decide(set, name), name).toBe('none');
    }
  });

  it('takes *.name as the names below name, not name itself', () => {
    const set = setOf('*.cdn.example\n||*.track.example^');
    expect(decide(set, 'cdn.example')).toBe('none');
    expect(decide(set, 'a.cdn.example')).toBe('blocked 0:1 *.cdn.example');
    expect(decide(set, 'b.a.cdn.example')).toBe('blocked 0:1 *.cdn.example');
    expect(decide(set, 'track.example')).toBe('none');
    expect(decide(set, 'x.track.example')).toBe('blocked 0:2 *.track.example');
  });

  it('reports the most specific of several blocking rules', () => {
    const set = setOf('example.com\nads.example.com\n*.ads.example.com');
    expect(decide(set, 'example.com')).toBe('blocked 0:1 example.com');
    expect(decide(set, 'ads.example.com')).toBe('blocked 0:2 ads.example.com');
    expect(decide(set, 'x.ads.example.com')).toBe('blocked 0:3 *.ads.example.com');
  });

  it('lets an exception allow the name and below, however specific the block', () => {
    const set = setOf('||example.com^\n||ads.safe.example.com^\n@@||safe.example.com^');
    expect(decide(set, 'safe.example.com')).toBe('allowed 0:3 safe.example.com');
    expect(decide(set, 'ads.safe.example.com')).toBe('allowed 0:3 safe.example.com');
    expect(decide(set, 'other.example.com')).toBe('blocked 0:1 example.com');
  });

  it('lets an allowlist entry in one list beat a block in another', () => {
    const set = setOf('0.0.0.0 tracker.net\n0.0.0.0 cdn.tracker.net', '#allow\n\ncdn.tracker.net');
    expect(decide(set, 'cdn.tracker.net')).toBe('allowed 1:3 cdn.tracker.net');
    expect(decide(set, 'img.cdn.tracker.net')).toBe('allowed 1:3 cdn.tracker.net');
    expect(decide(set, 'tracker.net')).toBe('blocked 0:1 tracker.net');
  });

  it('lets $important beat exceptions and allowlists, and @@...$important beat that', () => {
    const set = setOf('||ads.example^$important\n@@||ads.example^\n||vip.ads.example^\n@@||vip.ads.example^$important', '#allow\nads.example');
    expect(decide(set, 'ads.example')).toBe('blocked 0:1 ads.example');
    expect(decide(set, 'x.ads.example')).toBe('blocked 0:1 ads.example');
    expect(decide(set, 'vip.ads.example')).toBe('allowed 0:4 vip.ads.example');
  });

  it('tests regexes against the whole name, only when no higher-ranked hashed rule decided', () => {
    const set = setOf('/^ad[0-9]*\\./\n/(^|\\.)tracker\\./\n@@/^ad7\\./\nexample.com\n@@||ok.example.com^');
    expect(decide(set, 'ad12.example.net')).toBe('blocked 0:1 /^ad[0-9]*\\./');
    expect(decide(set, 'x.tracker.example')).toBe('blocked 0:2 /(^|\\.)tracker\\./');
    expect(decide(set, 'x.ad12.example.net')).toBe('none');
    // A regex allow beats a hashed block; a hashed allow is not overridden by a regex block.
    expect(decide(set, 'ad7.example.com')).toBe('allowed 0:3 /^ad7\\./');
    expect(decide(set, 'ad1.ok.example.com')).toBe('allowed 0:5 ok.example.com');
    expect(decide(set, 'ad1.example.com')).toBe('blocked 0:4 example.com');
  });

  it('skips regexes for texts longer than any name', () => {
    const set = setOf('/a/');
    expect(decide(set, 'a'.repeat(253))).toBe('blocked 0:1 /a/');
    expect(decide(set, 'a'.repeat(254))).toBe('none');
  });

  it('matches internationalized names in punycode', () => {
    const set = setOf('bücher.example');
    expect(decide(set, 'shop.xn--bcher-kva.example')).toBe('blocked 0:1 xn--bcher-kva.example');
  });

  it('does not take an escaped dot for a label boundary', () => {
    const set = setOf('ads.example');
    expect(decide(set, 'x\\.ads.example')).toBe('none'); // one label "x.ads" under "example"
    expect(decide(set, 'x\\\\.ads.example')).toBe('blocked 0:1 ads.example'); // "x\" then "ads"
    expect(set.explain('x\\.ads.example')).toEqual([]);
  });
});

describe('DomainSet.explain', () => {
  it('lists every matching rule, the most specific first, then regexes', () => {
    const set = setOf('||example.com^\n*.example.com\n/^ads\\./', '#allow\nads.example.com');
    expect(set.explain('ads.example.com')).toEqual([
      { kind: 'allow', list: 1, line: 2, rule: 'ads.example.com' },
      { kind: 'block', list: 0, line: 1, rule: 'example.com' },
      { kind: 'block', list: 0, line: 2, rule: '*.example.com' },
      { kind: 'block', list: 0, line: 3, rule: '/^ads\\./' },
    ]);
    expect(set.explain('example.com')).toEqual([{ kind: 'block', list: 0, line: 1, rule: 'example.com' }]);
  });
});

describe('DomainSetBuilder', () => {
  it('keeps one entry per name and kind, from the first list and line', () => {
    const set = setOf('a.example\na.example\n0.0.0.0 b.example a.example', 'a.example');
    expect(set.size).toBe(2);
    expect(decide(set, 'a.example')).toBe('blocked 0:1 a.example');
  });

  it('keeps the first of thousands of copies of one name', () => {
    const builder = new DomainSetBuilder();
    for (let line = 5000; line >= 1; line--) builder.add('dup.example', 'block', 'self-and-subdomains', 3, line);
    const set = builder.build();
    expect(set.size).toBe(1);
    expect(decide(set, 'dup.example')).toBe('blocked 3:1 dup.example');
  });

  it('finds every one of 50,000 names after growing, and none of 50,000 others', () => {
    const builder = new DomainSetBuilder();
    const name = (i: number) => `h${(i * 2654435761) >>> 0}.n${i % 97}.example`;
    for (let i = 0; i < 50_000; i++) builder.add(name(i), 'block', 'self-and-subdomains', 1, i + 1);
    const set = builder.build();
    expect(set.size).toBe(50_000);
    for (let i = 0; i < 50_000; i++) {
      const d = set.decide(`sub.${name(i)}`);
      if (d.verdict !== 'blocked' || d.line !== i + 1) expect.fail(`${name(i)}: ${JSON.stringify(d)}`);
      if (set.decide(name(i + 50_000)).verdict !== 'none') expect.fail(`${name(i + 50_000)} matched`);
    }
    expect(set.byteLength).toBeGreaterThanOrEqual(50_000 * 16);
  });

  it('answers "none" when empty and refuses list indexes beyond 16 bits', () => {
    const set = new DomainSetBuilder().build();
    expect(set.size).toBe(0);
    expect(decide(set, 'example.com')).toBe('none');
    expect(() => new DomainSetBuilder().add('a.example', 'block', 'subdomains', 65536, 1)).toThrow(RangeError);
  });

  it('gives the same answer to the same name every time', () => {
    const builder = new DomainSetBuilder();
    builder.addRegex('ads', 'block', 0, 1);
    const set = builder.build();
    expect(decide(set, 'ads.example')).toBe('blocked 0:1 /ads/');
    expect(decide(set, 'ads.example')).toBe('blocked 0:1 /ads/');
  });

  it(`takes at most ${MAX_REGEXES} regexes from all lists together, and finds the deciding one among them`, () => {
    const builder = new DomainSetBuilder();
    for (let i = 0; i < MAX_REGEXES; i++) expect(builder.addRegex(`^r${i}x\\.`, i % 2 ? 'allow' : 'block', i % 7, i + 1)).toBe(true);
    expect(builder.addRegex('^one-too-many', 'block', 0, 1)).toBe(false);
    const set = builder.build();
    expect(set.regexCount).toBe(MAX_REGEXES);
    expect(decide(set, 'r998x.example')).toBe('blocked 4:999 /^r998x\\./');
    expect(decide(set, 'r999x.example')).toBe('allowed 5:1000 /^r999x\\./');
    expect(decide(set, 'one-too-many.example')).toBe('none');
  });
});
