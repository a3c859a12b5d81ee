import { describe, expect, it } from 'vitest';
import { isAtOrBelow, labelsOf, nameFromWire, nameToWire, parentOf, parseName } from './name.ts';

describe('domain names', () => {
  it('lowercases and drops the trailing dot', () => {
    expect(parseName('NAS.Home.LAN.')).toBe('nas.home.lan');
  });

  it('makes relative names absolute against the origin, and @ is the origin', () => {
    expect(parseName('nas', 'home.lan')).toBe('nas.home.lan');
    expect(parseName('@', 'home.lan')).toBe('home.lan');
    expect(parseName('nas.other.', 'home.lan')).toBe('nas.other');
  });

  it('keeps escaped dots inside a label and writes odd bytes as \\DDD', () => {
    const name = parseName('a\\.b.lan.');
    expect(labelsOf(name)).toEqual(['a\\.b', 'lan']);
    expect(parentOf(name)).toBe('lan');
    expect(parseName('\\200x.lan.')).toBe('\\200x.lan');
    expect(nameToWire(name)).toEqual(Uint8Array.of(3, 97, 46, 98, 3, 108, 97, 110, 0));
  });

  it('rejects empty labels, long labels and names over 255 octets', () => {
    expect(() => parseName('a..b.')).toThrow(/empty label/);
    expect(() => parseName(`${'a'.repeat(64)}.lan.`)).toThrow(/63/);
    expect(() => parseName(`${'abcdefghi.'.repeat(26)}`)).toThrow(/255/);
  });

  it('walks up to the root', () => {
    expect(parentOf('a.b.c')).toBe('b.c');
    expect(parentOf('c')).toBe('');
    expect(parentOf('')).toBeUndefined();
  });

  it('tells whether a name is at or below a zone, on label boundaries only', () => {
    expect(isAtOrBelow('nas.home.lan', 'home.lan')).toBe(true);
    expect(isAtOrBelow('home.lan', 'home.lan')).toBe(true);
    expect(isAtOrBelow('myhome.lan', 'home.lan')).toBe(false);
    expect(isAtOrBelow('anything', '')).toBe(true);
  });

  it('reads back what it writes', () => {
    expect(nameFromWire(nameToWire('printer.home.lan'))).toEqual({ name: 'printer.home.lan', end: 18 });
    expect(() => nameFromWire(Uint8Array.of(5, 97))).toThrow();
  });
});
