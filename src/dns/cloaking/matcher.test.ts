import { describe, expect, it } from 'vitest';
import { parseName } from '../name.ts';
import { CloakingMatcher } from './matcher.ts';
import { parseCloakingRules } from './rules.ts';

/** A matcher over `text`; `winner(name)` is the winning rule's source line. */
function matcher(text: string): (name: string) => number | undefined {
  const { rules, errors } = parseCloakingRules(text, 'rules.txt');
  expect(errors).toEqual([]);
  const m = new CloakingMatcher(rules);
  return (name) => m.match(parseName(name))?.source.line;
}

describe('CloakingMatcher', () => {
  it('lets an exact rule beat a wildcard domain, and only for the name itself', () => {
    const winner = matcher('*.lan 10.0.0.99\n=router.lan 10.0.0.1');
    expect(winner('router.lan')).toBe(2);
    expect(winner('x.router.lan')).toBe(1);
    expect(winner('other.lan')).toBe(1);
    expect(winner('lan')).toBe(1);
  });

  it('never matches subdomains with an exact rule', () => {
    const winner = matcher('=x.com 10.0.0.1');
    expect(winner('x.com')).toBe(1);
    expect(winner('a.x.com')).toBeUndefined();
    expect(winner('ax.com')).toBeUndefined();
  });

  it('matches a domain itself and every subdomain, on label boundaries', () => {
    const winner = matcher('*.example.com 10.0.0.1');
    expect(winner('example.com')).toBe(1);
    expect(winner('a.b.c.d.example.com')).toBe(1);
    expect(winner('badexample.com')).toBeUndefined();
    expect(winner('example.com.evil')).toBeUndefined();
  });

  it('lets the longest matching domain win: =a.b.c > a.b.c > b.c > *.c', () => {
    const winner = matcher('*.c 10.0.0.4\nb.c 10.0.0.3\na.b.c 10.0.0.2\n=a.b.c 10.0.0.1');
    expect(winner('a.b.c')).toBe(4);
    expect(winner('x.a.b.c')).toBe(3);
    expect(winner('x.b.c')).toBe(2);
    expect(winner('x.c')).toBe(1);
  });

  it('ranks domain over prefix over substring over glob', () => {
    const winner = matcher('*.ads.* 10.0.0.4\nads* 10.0.0.3\nads.example.com 10.0.0.2\na?s.* 10.0.0.5');
    expect(winner('ads.example.com')).toBe(3);
    expect(winner('adserver.net')).toBe(2);
    expect(winner('ads.x.com')).toBe(2);
    expect(winner('www.ads.x.com')).toBe(1);
    expect(winner('abs.x.com')).toBe(4);
    expect(winner('nothing.here')).toBeUndefined();
  });

  it('lets the longest prefix and the longest substring win', () => {
    const winner = matcher('ad* 10.0.0.1\nadserv* 10.0.0.2\n*track* 10.0.0.3\n*tracking* 10.0.0.4');
    expect(winner('adserver.net')).toBe(2);
    expect(winner('adx.net')).toBe(1);
    expect(winner('x.tracking.net')).toBe(4);
    expect(winner('x.tracker.net')).toBe(3);
  });

  it('matches globs over the whole name, most literal characters first, then file order', () => {
    const winner = matcher('*.cdn?.net 10.0.0.1\nimg*.cdn1.net 10.0.0.2\n[ab]*.x 10.0.0.3\n?*.x 10.0.0.4');
    expect(winner('img.cdn1.net')).toBe(2);
    expect(winner('a.b.cdn2.net')).toBe(1);
    expect(winner('cdn1.net')).toBeUndefined();
    expect(winner('a.x')).toBe(3);
    expect(winner('c.x')).toBe(4);
  });

  it('treats a leading star without a dot as a glob, not a domain', () => {
    const winner = matcher('*example.com 10.0.0.1');
    expect(winner('example.com')).toBe(1);
    expect(winner('badexample.com')).toBe(1);
    expect(winner('example.org')).toBeUndefined();
  });

  it('ignores case and trailing dots in rules and queries', () => {
    const winner = matcher('=Router.LAN. 10.0.0.1\nADS* 10.0.0.2\nMedia.Home. 10.0.0.3');
    expect(winner('ROUTER.lan.')).toBe(1);
    expect(winner('AdServer.Net')).toBe(2);
    expect(winner('TV.MEDIA.HOME.')).toBe(3);
  });

  it('merges the same pattern from several files, accumulating addresses', () => {
    const a = parseCloakingRules('tv.lan 10.0.0.1\n=tv.lan 10.0.0.9', 'a.txt').rules;
    const b = parseCloakingRules('*.tv.lan fd00::1\ntv.lan other.lan', 'b.txt').rules;
    const m = new CloakingMatcher([...a, ...b]);
    expect(m.match('x.tv.lan')?.target).toEqual({ kind: 'addresses', ipv4: ['10.0.0.1'], ipv6: ['fd00::1'] });
    expect(m.match('tv.lan')?.source).toEqual({ file: 'a.txt', line: 2 });
  });

  it('matches nothing without rules, and does not throw on odd names', () => {
    expect(new CloakingMatcher([]).match('anything.lan')).toBeUndefined();
    const m = new CloakingMatcher(parseCloakingRules('a.b 1.1.1.1\n*a?* 1.1.1.1', 'f').rules);
    for (const name of ['', 'a\\.b', 'x\\046a.b', '\\255', 'a'.repeat(300)]) {
      expect(() => m.match(name)).not.toThrow();
    }
  });
});
