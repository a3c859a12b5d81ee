import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigNotWritable, ConfigStore } from './store.ts';
import type { Config } from './schema.ts';

function setup(text: string): { dir: string; file: string; store: ConfigStore } {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-store-'));
  const file = join(dir, 'hearth.yaml');
  writeFileSync(file, text.replaceAll('DATA', join(dir, 'data')));
  const loaded = ConfigStore.load(file);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('; '));
  return { dir, file, store: loaded.store };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function withRule(config: Config, rule: string): Config {
  return { ...config, dns: { ...config.dns, cloaking: { ...config.dns.cloaking, rules: [...config.dns.cloaking.rules, rule] } } };
}

const TEXT = `# the house's DNS
data_dir: DATA
dns:
  cloaking:
    rules:
      - "=nas.lan 192.168.1.10"  # the NAS
    ttl: 10m
`;

describe('ConfigStore', () => {
  it('writes atomically, keeps FILE.prev, bumps the version and hashes the text', () => {
    const { dir, file, store } = setup(TEXT);
    const before = readFileSync(file, 'utf8');
    expect(store.version).toBe(1);
    expect(store.hash).toBe(sha256(before));

    const result = store.write(withRule(store.current, '=tv.lan 192.168.1.11'));
    const after = readFileSync(file, 'utf8');
    expect(result).toEqual({ version: 2, hash: sha256(after) });
    expect(store.version).toBe(2);
    expect(readFileSync(`${file}.prev`, 'utf8')).toBe(before);
    expect(store.current.dns.cloaking.rules).toEqual(['=nas.lan 192.168.1.10', '=tv.lan 192.168.1.11']);
    // Only the change is written: comments and `10m` stay as the user wrote them.
    expect(after).toContain("# the house's DNS");
    expect(after).toContain('# the NAS');
    expect(after).toContain('ttl: 10m');
    expect(after).toContain('=tv.lan 192.168.1.11');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir, 'data', 'config-version.json'), 'utf8'))).toEqual(result);
  });

  it('bumps the version on every write, even of the same config', () => {
    const { store } = setup(TEXT);
    store.write(store.current);
    store.write(store.current);
    expect(store.version).toBe(3);
  });

  it('keeps the version across restarts and bumps it when the file was edited meanwhile', () => {
    const { file, store } = setup(TEXT);
    store.write(withRule(store.current, '=tv.lan 192.168.1.11'));
    const again = ConfigStore.load(file);
    expect(again.ok && again.store.version).toBe(2);
    writeFileSync(file, `${readFileSync(file, 'utf8')}# edited by hand\n`);
    const edited = ConfigStore.load(file);
    expect(edited.ok && edited.store.version).toBe(3);
  });

  it('refuses to overwrite an edit made on disk since the last load, until reload()', () => {
    const { file, store } = setup(TEXT);
    writeFileSync(file, TEXT.replace('10m', '5m').replaceAll('DATA', store.current.data_dir));
    expect(() => store.write(store.current)).toThrow(ConfigNotWritable);
    const reloaded = store.reload();
    expect(reloaded.ok && reloaded.config.dns.cloaking.ttl).toBe(300);
    expect(store.version).toBe(2);
    expect(() => store.write(withRule(store.current, '=tv.lan 192.168.1.11'))).not.toThrow();
  });

  it('writes only the changed key into a short file, and removes optional keys', () => {
    const { file, store } = setup('data_dir: DATA\ndns:\n  upstreams:\n    ca_file: /etc/ca.pem\n');
    const config = store.current;
    const { ca_file: _, ...upstreams } = config.dns.upstreams;
    store.write({ ...config, dns: { ...config.dns, upstreams, blocking: { ...config.dns.blocking, mode: 'refused' } } });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('ca_file');
    expect(text).toContain('mode: refused');
    expect(text).not.toContain('max_entries'); // no section of defaults
    expect(store.current.dns.blocking.mode).toBe('refused');
  });

  it('has no file to write when hearth runs on the built-in config', () => {
    const loaded = ConfigStore.load();
    if (!loaded.ok) throw new Error('built-in config invalid');
    expect(loaded.store.file).toBeUndefined();
    expect(loaded.store.hash).toBe(sha256(''));
    expect(() => loaded.store.write(loaded.store.current)).toThrow(/-c FILE/);
  });

  it('reports a file it cannot read or parse', () => {
    expect(ConfigStore.load('/nonexistent/hearth.yaml')).toMatchObject({ ok: false, errors: [{ line: 0 }] });
    const dir = mkdtempSync(join(tmpdir(), 'hearth-store-'));
    writeFileSync(join(dir, 'bad.yaml'), 'dns:\n  listen: nope\n');
    expect(ConfigStore.load(join(dir, 'bad.yaml')).ok).toBe(false);
  });
});

describe('ConfigStore edits in place', () => {
  it('removes an item without disturbing the comments of the others', () => {
    const { file, store } = setup(
      'data_dir: DATA\ndns:\n  cloaking:\n    rules:\n      - "=a.lan 10.0.0.1" # A\n      - "=b.lan 10.0.0.2" # B\n      - "=c.lan 10.0.0.3" # C\n',
    );
    const config = store.current;
    store.write({ ...config, dns: { ...config.dns, cloaking: { ...config.dns.cloaking, rules: ['=a.lan 10.0.0.1', '=c.lan 10.0.0.3'] } } });
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/=a\.lan 10\.0\.0\.1" # A/);
    expect(text).toMatch(/=c\.lan 10\.0\.0\.3" # C/);
    expect(text).not.toContain('b.lan');
  });

  it('keeps the permissions of a file that holds secrets', () => {
    const { file, store } = setup('data_dir: DATA\n');
    chmodSync(file, 0o600);
    store.write(withRule(store.current, '=a.lan 10.0.0.1'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}.prev`).mode & 0o777).toBe(0o600);
  });
});
