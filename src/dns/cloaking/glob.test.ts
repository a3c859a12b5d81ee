import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../test/support/random.ts';
import { compileGlob } from './glob.ts';

/** The glob as a backtracking RegExp: slow on crafted input, but a plain statement of the meaning. */
function reference(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.]/g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

describe('compileGlob', () => {
  it('anchors at both ends and counts literal characters', () => {
    const { test, literals } = compileGlob('ad[0-9]?.*.net');
    expect(literals).toBe(7);
    expect(test('ad1x.a.b.net')).toBe(true);
    expect(test('ad1x..net')).toBe(true);
    expect(test('ad1x.a.bxnet')).toBe(false);
    expect(test('xad1x.a.net')).toBe(false);
    expect(test('ada1x.a.net')).toBe(false);
  });

  it('matches classes, negated classes and ?', () => {
    expect(compileGlob('[!a]b').test('ab')).toBe(false);
    expect(compileGlob('[!a]b').test('cb')).toBe(true);
    expect(compileGlob('[a-c-]x').test('-x')).toBe(true);
    expect(compileGlob('h?st').test('host')).toBe(true);
    expect(compileGlob('h?st').test('hst')).toBe(false);
  });

  it('treats runs of stars as one, and stars at either end as open', () => {
    expect(compileGlob('a***b').test('ab')).toBe(true);
    expect(compileGlob('a***b').test('axxb')).toBe(true);
    expect(compileGlob('*tracker*').test('tracker')).toBe(true);
    expect(compileGlob('*.ads.*').test('x.ads.y')).toBe(true);
    expect(compileGlob('*.ads.*').test('ads.y')).toBe(false);
  });

  it('finds pieces in order, each after the one before', () => {
    const glob = compileGlob('*a*b*a');
    expect(glob.test('xaxbxa')).toBe(true);
    expect(glob.test('aba')).toBe(true);
    expect(glob.test('ab')).toBe(false);
    expect(glob.test('baa')).toBe(false);
    // The head and tail may not overlap.
    expect(compileGlob('ab*ba').test('aba')).toBe(false);
  });

  it('agrees with a RegExp on 20,000 random short globs and names', () => {
    const rand = seededRandom(15);
    const pick = (alphabet: string, length: number) => Array.from({ length }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    for (let i = 0; i < 20_000; i++) {
      const glob = pick('ab.*?', 1 + Math.floor(rand() * 7));
      const name = pick('ab.', Math.floor(rand() * 9));
      expect(compileGlob(glob).test(name), `${glob} on "${name}"`).toBe(reference(glob).test(name));
    }
  });

  it('rejects malformed globs', () => {
    expect(() => compileGlob('a[bc')).toThrow('"[" without "]"');
    expect(() => compileGlob('a[]')).toThrow('empty [] class');
    expect(() => compileGlob('a[z-a]')).toThrow('backwards');
  });
});
