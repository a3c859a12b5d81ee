import { describe, expect, it } from 'vitest';
import { fqdnHostLabel, hostLabel } from './hostname.ts';

describe('hostLabel: what a client calls itself becomes one DNS label', () => {
  it('keeps a name that is already a label', () => {
    expect(hostLabel('nas')).toBe('nas');
    expect(hostLabel('pi-4b')).toBe('pi-4b');
  });

  it('lowercases and turns spaces and underscores into hyphens', () => {
    expect(hostLabel('DESKTOP_4F2K9')).toBe('desktop-4f2k9');
    expect(hostLabel("Anna's iPhone")).toBe('annas-iphone');
    expect(hostLabel('a  _ b')).toBe('a-b');
  });

  it('drops accents rather than whole letters', () => {
    expect(hostLabel('Jöns-Gerät')).toBe('jons-gerat');
  });

  it('takes the first label of a dotted name', () => {
    expect(hostLabel('laptop.corp.example')).toBe('laptop');
  });

  it('never starts or ends with a hyphen', () => {
    expect(hostLabel('--tv--')).toBe('tv');
    expect(hostLabel(' kitchen speaker ')).toBe('kitchen-speaker');
  });

  it('cuts at 63 characters, without leaving a trailing hyphen', () => {
    expect(hostLabel('a'.repeat(80))).toBe('a'.repeat(63));
    expect(hostLabel(`${'b'.repeat(62)}-c`)).toBe('b'.repeat(62));
  });

  it('gives no name when nothing usable is left', () => {
    expect(hostLabel('')).toBeUndefined();
    expect(hostLabel('---')).toBeUndefined();
    expect(hostLabel('📱')).toBeUndefined();
    expect(hostLabel('.home')).toBeUndefined();
  });
});

describe('fqdnHostLabel: the label of an option 81 name', () => {
  it('takes the first label, whatever the domain', () => {
    expect(fqdnHostLabel('laptop.home.lan')).toBe('laptop');
    expect(fqdnHostLabel('laptop.corp.example')).toBe('laptop');
    expect(fqdnHostLabel('laptop')).toBe('laptop');
  });

  it('sanitizes escaped characters like option 12 text', () => {
    expect(fqdnHostLabel('my\\032laptop.home.lan')).toBe('my-laptop');
    expect(fqdnHostLabel('a\\.b.home.lan')).toBe('a-b');
  });

  it('gives no name for an empty name', () => {
    expect(fqdnHostLabel('')).toBeUndefined();
  });
});
