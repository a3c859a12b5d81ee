import { describe, expect, it } from 'vitest';
import { redactUrl } from './config-secrets.ts';

describe('redactUrl', () => {
  it('hides passwords, query values and DoH profile paths, and leaves plain URLs alone', () => {
    expect(redactUrl('https://user:pw@lists.example/a.txt', false)).toBe('https://user:********@lists.example/a.txt');
    expect(redactUrl('https://lists.example/a.txt?token=t&x=1', false)).toBe('https://lists.example/a.txt?token=********&x=********');
    expect(redactUrl('https://lists.example/a/b.txt', false)).toBe('https://lists.example/a/b.txt');
    expect(redactUrl('https://dns.controld.com/p2', true)).toBe('https://dns.controld.com/********');
    expect(redactUrl('tls://1.1.1.1:853', true)).toBe('tls://1.1.1.1:853');
    expect(redactUrl('blocklists/default.txt', false)).toBe('blocklists/default.txt');
  });
});
