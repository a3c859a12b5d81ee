import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { isLoopback, loadToken, TokenCheck } from './auth.ts';
import type { ApiContext } from './context.ts';
import { startApi } from './server.ts';

function capturingLogger(): { log: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  return {
    log: pino(
      { level: 'info' },
      {
        write: (line: string) => {
          lines.push(line);
        },
      },
    ),
    lines,
  };
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'hearth-auth-'));

describe('the API token', () => {
  it('is created on first start with mode 0600 in a new directory, and shown once', () => {
    const file = join(tempDir(), 'nested', 'dir', 'api.token');
    const first = capturingLogger();
    const check = loadToken({ listen: '127.0.0.1:8053', token_file: file }, first.log);
    const token = readFileSync(file, 'utf8').trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(check.matches(token)).toBe(true);
    expect(first.lines.filter((line) => line.includes(token))).toHaveLength(1);
    expect(first.lines[0]).toContain(file);

    const second = capturingLogger();
    expect(loadToken({ listen: '127.0.0.1:8053', token_file: file }, second.log).matches(token)).toBe(true);
    expect(second.lines.join('')).not.toContain(token);
  });

  it('is required to exist before the API listens beyond loopback', () => {
    const file = join(tempDir(), 'api.token');
    const { log } = capturingLogger();
    for (const listen of ['0.0.0.0:8053', '192.168.1.53:8053', '[::]:8053']) {
      expect(() => loadToken({ listen, token_file: file }, log)).toThrow(/reachable from the network.*does not exist/);
    }
    expect(existsSync(file)).toBe(false);
    writeFileSync(file, 'a-token-written-by-the-owner\n', { mode: 0o600 });
    expect(loadToken({ listen: '0.0.0.0:8053', token_file: file }, log).matches('a-token-written-by-the-owner')).toBe(true);
  });

  it('refuses an empty token file', () => {
    const file = join(tempDir(), 'api.token');
    writeFileSync(file, '\n');
    expect(() => loadToken({ listen: '127.0.0.1:8053', token_file: file }, capturingLogger().log)).toThrow(/empty/);
  });

  it('makes startApi refuse a non-loopback listen address without a token file', async () => {
    const file = join(tempDir(), 'api.token');
    await expect(startApi({} as ApiContext, { listen: '0.0.0.0:0', token_file: file }, capturingLogger().log)).rejects.toThrow(/127\.0\.0\.1/);
  });

  it('is compared by digest', () => {
    const check = new TokenCheck('secret');
    expect(check.matches('secret')).toBe(true);
    expect(check.matches('secreT')).toBe(false);
    expect(check.matches('')).toBe(false);
    expect(check.matches('secret'.repeat(100))).toBe(false);
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.1', '::ffff:10.0.0.1', 'fe80::1', 'localhost']) expect(isLoopback(host), host).toBe(false);
  });
});
