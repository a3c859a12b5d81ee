import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ListParser, parseList, parseListFile, toName, type ListOptions, type RuleSink } from './parse.ts';

/** Records what the parser emits as `kind name @line` (`*.name` for subdomains only). */
function recorder(): { rules: string[]; sink: RuleSink } {
  const rules: string[] = [];
  return {
    rules,
    sink: {
      add: (name, kind, scope, _list, line) => {
        rules.push(`${kind} ${scope === 'subdomains' ? '*.' : ''}${name} @${line}`);
      },
      addRegex: (source, kind, _list, line) => {
        rules.push(`${kind} /${source}/ @${line}`);
        return true;
      },
    },
  };
}

function parse(text: string, options: Partial<ListOptions> = {}) {
  const { rules, sink } = recorder();
  const stats = parseList(text, sink, { file: 'list.txt', list: 0, ...options });
  return { rules, stats, errors: stats.firstErrors.map((e) => `${e.line}: ${e.message}`) };
}

describe('parseList: hosts files', () => {
  it('reads every name of a line, any address, and skips the stock localhost entries', () => {
    const { rules, stats } = parse(
      [
        '# StevenBlack-style header',
        '127.0.0.1 localhost',
        '127.0.0.1 localhost.localdomain',
        '255.255.255.255 broadcasthost',
        '::1 localhost ip6-localhost ip6-loopback',
        'fe80::1%lo0 localhost',
        'ff02::1 ip6-allnodes',
        '0.0.0.0 local',
        '0.0.0.0 0.0.0.0',
        '0.0.0.0 ads.example.com',
        '127.0.0.1\tTracker.Example.NET.   # a comment after the entry',
        ':: one.example two.example\tthree.example',
        '192.168.1.5 ip6-tracker.example',
      ].join('\n'),
    );
    expect(rules).toEqual([
      'block ads.example.com @10',
      'block tracker.example.net @11',
      'block one.example @12',
      'block two.example @12',
      'block three.example @12',
      'block ip6-tracker.example @13',
    ]);
    expect(stats).toMatchObject({ blocked: 6, allowed: 0, regexes: 0, unsupported: 0, invalid: 0 });
  });

  it('reports an address without a name and a second word after a name', () => {
    const { rules, errors } = parse('0.0.0.0\nexample.com other.com\n0.0.0.0 # only a comment');
    expect(rules).toEqual([]);
    expect(errors).toEqual([
      '1: the address 0.0.0.0 names no host',
      '2: "other.com" after "example.com": expected one name, or an address and names',
      '3: the address 0.0.0.0 names no host',
    ]);
  });
});

describe('parseList: plain names and wildcards', () => {
  it('reads one name a line, lowercased, without the trailing dot', () => {
    expect(parse('Ads.Example.COM\ntracker.example.\n_dmarc.example\nads-.example').rules).toEqual([
      'block ads.example.com @1',
      'block tracker.example @2',
      'block _dmarc.example @3',
      'block ads-.example @4',
    ]);
  });

  it('takes *.name as the names below name only', () => {
    expect(parse('*.cdn.example').rules).toEqual(['block *.cdn.example @1']);
  });

  it('converts internationalized names to punycode', () => {
    expect(parse('bücher.example\n||MÜNCHEN.example^\n0.0.0.0 ñ.example').rules).toEqual([
      'block xn--bcher-kva.example @1',
      'block xn--mnchen-3ya.example @2',
      'block xn--ida.example @3',
    ]);
  });

  it('counts malformed names as invalid with a message', () => {
    const { rules, stats, errors } = parse(['bad..example', `${'a'.repeat(64)}.example`, '1.2.3', 'ex!ample.com', 'xn--a.example\u00ad\u2028'].join('\n'));
    expect(rules).toEqual([]);
    expect(stats.invalid).toBe(5);
    expect(errors.slice(0, 4)).toEqual([
      '1: bad name "bad..example": empty label',
      '2: bad name "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...": a label longer than 63 characters',
      '3: bad name "1.2.3": the last label is all digits',
      '4: bad name "ex!ample.com": "!" is not allowed in a name',
    ]);
  });
});

describe('parseList: adblock syntax', () => {
  it('reads ||name^, exceptions and $important', () => {
    const { rules, stats } = parse(
      [
        '[Adblock Plus 2.0]',
        '! Title: a list',
        '||ads.example^',
        '||ads2.example^|',
        '||*.cdn.example^',
        '||critical.example^$important',
        '@@||good.example^',
        '@@||very-good.example^$important',
      ].join('\n'),
    );
    expect(rules).toEqual([
      'block ads.example @3',
      'block ads2.example @4',
      'block *.cdn.example @5',
      'block-important critical.example @6',
      'allow good.example @7',
      'allow-important very-good.example @8',
    ]);
    expect(stats).toMatchObject({ blocked: 4, allowed: 2, unsupported: 0, invalid: 0 });
  });

  it('counts rules a resolver cannot honour as unsupported, never as errors', () => {
    const unsupported = [
      'example.com##.banner',
      'example.com#@#.banner',
      'example.com#?#div:has(.ad)',
      'example.com#$#body { color: red }',
      '||ads.example^$third-party',
      '||ads.example^$important,third-party',
      '||ads.example^$dnsrewrite=1.2.3.4',
      '|https://ads.example/banner',
      '||ads.example/path^',
      '||ads.example',
      '@@ads.example',
      '/banner/*/img^',
      'ads*.example.com',
      'ads.example:8080',
      'example.com$$script[tag-content="ad"]',
    ];
    const { rules, stats } = parse(unsupported.join('\n'));
    expect(rules).toEqual([]);
    expect(stats).toMatchObject({ unsupported: unsupported.length, invalid: 0, firstErrors: [] });
  });
});

describe('parseList: regexes', () => {
  it('compiles /regex/ once, with @@ and $important', () => {
    const { rules, stats } = parse('/^ad[0-9]*\\./\n@@/^good\\./\n/tracker$/$important');
    expect(rules).toEqual(['block /^ad[0-9]*\\./ @1', 'allow /^good\\./ @2', 'block-important /tracker$/ @3']);
    expect(stats).toMatchObject({ regexes: 3, blocked: 0, allowed: 0 });
  });

  it('refuses patterns that can backtrack catastrophically, and broken ones', () => {
    const { rules, errors } = parse(
      [
        '/(a+)+$/',
        '/(a*)*b/',
        '/(a|a)*c/',
        '/(?:x|y){2,}/',
        '/((ab)+c)*/',
        '/(a)\\1/',
        `/${'a'.repeat(257)}/`,
        '/.*a.*b/',
        '/^x.*a.*b.*c/',
        '/(?<n>a)/',
        '/[a-z/',
        '/a)(/',
        '/a{2,1}/',
        '/ads',
      ].join('\n'),
    );
    expect(rules).toEqual([]);
    expect(errors).toEqual([
      '1: /(a+)+$/: a repeated group containing a quantifier or "|" can backtrack catastrophically',
      '2: /(a*)*b/: a repeated group containing a quantifier or "|" can backtrack catastrophically',
      '3: /(a|a)*c/: a repeated group containing a quantifier or "|" can backtrack catastrophically',
      '4: /(?:x|y){2,}/: a repeated group containing a quantifier or "|" can backtrack catastrophically',
      '5: /((ab)+c)*/: a repeated group containing a quantifier or "|" can backtrack catastrophically',
      '6: /(a)\\1/: backreferences are not supported',
      `7: /${'a'.repeat(56)}...: regex longer than 256 characters`,
      '8: /.*a.*b/: 2 variable-length quantifiers (*, +, {m,n}); at most 1 without a leading ^, as each multiplies the backtracking',
      '9: /^x.*a.*b.*c/: 3 variable-length quantifiers (*, +, {m,n}); at most 2, as each multiplies the backtracking',
      '10: /(?<n>a)/: named groups and inline flags are not supported',
      '11: /[a-z/: unterminated character class',
      '12: /a)(/: unbalanced ")"',
      '13: /a{2,1}/: not a valid regex (/a{2,1}/: numbers out of order in {} quantifier)',
      '14: /ads: a regex needs a closing "/"',
    ]);
  });

  it('accepts the regexes people publish', () => {
    const published = ['/^(.+[_.-])?adse?rv(er?|ice)?s?[0-9]*[_.-]/', '/^advert(s|is(ing|ements?))?[0-9]*[_.-]/', '/(^|\\.)doubleclick\\.net$/', '/tracker/'];
    expect(parse(published.join('\n')).stats).toMatchObject({ regexes: 4, invalid: 0 });
  });

  it('keeps at most maxRegexes a list and says so once', () => {
    const { rules, stats, errors } = parse('/a/\n/b/\n/c/\n/d/', { maxRegexes: 2 });
    expect(rules).toHaveLength(2);
    expect(stats).toMatchObject({ regexes: 2, unsupported: 2 });
    expect(errors).toEqual(['3: more than 2 regexes; the rest are skipped']);
  });
});

describe('parseList: allowlists', () => {
  it('allows every entry whatever its syntax', () => {
    expect(parse('good.example\n0.0.0.0 a.example\n||b.example^\n@@||c.example^\n||d.example^$important\n/^e\\./', { role: 'allow' }).rules).toEqual([
      'allow good.example @1',
      'allow a.example @2',
      'allow b.example @3',
      'allow c.example @4',
      'allow-important d.example @5',
      'allow /^e\\./ @6',
    ]);
  });
});

describe('parseList: lines', () => {
  it('skips comments and blank lines, counts lines across CRLF, a BOM and a last line without "\\n"', () => {
    const { rules } = parse('\uFEFF# hosts comment\r\n! adblock comment\r\n\r\n   \t\r\n##.generic-cosmetic\r\nads.example\r\n||last.example^');
    expect(rules).toEqual(['block ads.example @6', 'block last.example @7']);
  });

  it('gives the same result fed in pieces of any size', () => {
    const text = '# c\r\n0.0.0.0 a.example b.example\r\n||c.example^\n\n@@||d.example^\r\n/^e\\./\nf.example';
    const whole = parse(text).rules;
    for (const size of [1, 2, 3, 7]) {
      const { rules, sink } = recorder();
      const parser = new ListParser(sink, { file: 'x', list: 0 });
      for (let i = 0; i < text.length; i += size) parser.feed(text.slice(i, i + size));
      parser.end();
      expect(rules).toEqual(whole);
    }
  });

  it('keeps only the first 20 messages but counts every problem', () => {
    const { stats } = parse(Array.from({ length: 50 }, () => 'bad..name').join('\n'));
    expect(stats.invalid).toBe(50);
    expect(stats.firstErrors).toHaveLength(20);
    expect(stats.firstErrors[19]).toMatchObject({ file: 'list.txt', line: 20 });
  });

  it('never throws on garbage', () => {
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const alphabet = 'ab.-_*|^$@/#!:[]()+?{}\\ \t\r\n0123456789üx\u0000\u2028\uFFFF\uD800';
    let text = '';
    for (let i = 0; i < 200_000; i++) text += alphabet[Math.floor(random() * alphabet.length)];
    const { stats } = parse(text);
    expect(stats.blocked + stats.allowed + stats.regexes + stats.unsupported + stats.invalid).toBeGreaterThan(0);
  });
});

describe('parseListFile', () => {
  it('reads a file in chunks, a multibyte name across a chunk boundary included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-parse-'));
    try {
      // "ü" (2 bytes) starts at byte 65535, the last of the first 64 KiB chunk.
      const pad = '#' + 'x'.repeat(65535 - 4 - 1);
      writeFileSync(join(dir, 'list.txt'), `${pad}\n||büü.example^\n0.0.0.0 last.example`);
      const { rules, sink } = recorder();
      const stats = await parseListFile(join(dir, 'list.txt'), sink, { file: 'list.txt', list: 0 });
      expect(rules).toEqual(['block xn--b-ehaa.example @2', 'block last.example @3']);
      expect(stats.blocked).toBe(2);
      await expect(parseListFile(join(dir, 'missing.txt'), sink, { file: 'missing.txt', list: 0 })).rejects.toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('toName', () => {
  it('canonicalizes or explains', () => {
    expect(toName('WWW.Example.COM.')).toBe('www.example.com');
    expect(toName('')).toEqual({ error: 'empty name' });
    expect(toName(`${'a.'.repeat(127)}ab`)).toEqual({ error: 'longer than 253 characters' });
  });
});
