import { describe, expect, it } from 'vitest';
import { decodeClientFqdn, encodeClientFqdn, type ClientFqdn } from './client-fqdn.ts';

const ascii = (text: string) => [...Buffer.from(text)];
const value = (flags: number, name: number[]) => Uint8Array.of(flags, 0, 0, ...name);

describe('the client FQDN option (81, RFC 4702)', () => {
  it('reads a fully qualified name in wire format, lowercased', () => {
    expect(decodeClientFqdn(value(0x05, [6, ...ascii('Laptop'), 4, ...ascii('home'), 3, ...ascii('lan'), 0]))).toEqual({
      updates: 'server',
      encoding: 'wire',
      name: 'laptop.home.lan',
      qualified: true,
    });
  });

  it('reads a partial name, just the host label, for the server to complete (RFC 4702 §2.3)', () => {
    expect(decodeClientFqdn(value(0x04, [6, ...ascii('laptop')]))).toEqual({ updates: 'client', encoding: 'wire', name: 'laptop', qualified: false });
  });

  it('reads the deprecated ASCII encoding, a trailing dot meaning fully qualified (RFC 4702 §2.3.1)', () => {
    expect(decodeClientFqdn(value(0x01, ascii('tv.home.lan.')))).toEqual({ updates: 'server', encoding: 'ascii', name: 'tv.home.lan', qualified: true });
    expect(decodeClientFqdn(value(0x00, [...ascii('tv'), 0]))).toEqual({ updates: 'client', encoding: 'ascii', name: 'tv', qualified: false });
  });

  it('reads N as "no updates", even with S wrongly set too', () => {
    expect(decodeClientFqdn(value(0x08, ascii('tv')))?.updates).toBe('none');
    expect(decodeClientFqdn(value(0x09, ascii('tv')))?.updates).toBe('none');
  });

  it('accepts an empty name: the client leaves the choice to the server', () => {
    expect(decodeClientFqdn(value(0x05, []))).toEqual({ updates: 'server', encoding: 'wire', name: '', qualified: false });
    expect(decodeClientFqdn(value(0x05, [0]))).toEqual({ updates: 'server', encoding: 'wire', name: '', qualified: true });
  });

  it.each([
    ['shorter than flags and RCODEs', Uint8Array.of(5, 0)],
    ['a wire label running past the end', value(0x04, [9, ...ascii('tv')])],
    ['bytes after the root label', value(0x04, [2, ...ascii('tv'), 0, 1])],
    ['an empty ASCII label', value(0x00, ascii('tv..lan'))],
  ])('refuses %s', (_, bytes) => {
    expect(decodeClientFqdn(bytes)).toBeUndefined();
  });

  describe('the server answer', () => {
    const asked = (updates: ClientFqdn['updates'], encoding: ClientFqdn['encoding']): ClientFqdn => ({ updates, encoding, name: 'tv', qualified: false });

    it.each([
      ['server', 'server', 0x01],
      ['client', 'client', 0x00],
      ['client', 'server', 0x03], // O: the server overrides the client's wish
      ['server', 'client', 0x02],
      ['none', 'none', 0x08],
      ['none', 'server', 0x03],
    ] as const)('client asks %s, server does %s: flags %i (E aside)', (wish, decision, flags) => {
      expect(encodeClientFqdn(asked(wish, 'ascii'), decision, 'tv.lan')[0]).toBe(flags);
      expect(encodeClientFqdn(asked(wish, 'wire'), decision, 'tv.lan')[0]).toBe(flags | 0x04);
    });

    it('sets both RCODEs to 255 (RFC 4702 §2.2) and writes the name in the client’s encoding', () => {
      expect([...encodeClientFqdn(asked('server', 'wire'), 'server', 'tv.lan')]).toEqual([0x05, 255, 255, 2, ...ascii('tv'), 3, ...ascii('lan'), 0]);
      expect([...encodeClientFqdn(asked('server', 'ascii'), 'server', 'tv.lan')]).toEqual([0x01, 255, 255, ...ascii('tv.lan.')]);
    });
  });
});
