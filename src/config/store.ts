// The config file hearth runs with, as the API changes it. Every write is
// validated by parsing the text back, keeps the previous file as FILE.prev,
// replaces the file atomically and bumps a version; the version and the
// file's hash let the standby Pi tell whether it has the same config.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Document, isMap, isSeq, parseDocument } from 'yaml';
import { writeFileAtomic } from '../store/atomic.ts';
import { parseConfig, type LoadResult } from './load.ts';
import type { SourceError } from '../diagnostics/source-error.ts';
import { configSchema, type Config } from './schema.ts';

export interface ConfigVersion {
  readonly version: number;
  readonly hash: string;
}

/** A write that cannot be done as asked (the API answers 409). */
export class ConfigNotWritable extends Error {}

const BUILT_IN = '(built-in default)';

export class ConfigStore {
  /** undefined when hearth runs on the built-in config. */
  readonly file: string | undefined;
  readonly #versionFile: string;
  #current: Config;
  #text: string;
  #version = 0;
  #hash = '';

  private constructor(file: string | undefined, config: Config, text: string) {
    this.file = file;
    this.#versionFile = join(config.data_dir, 'config-version.json');
    this.#current = config;
    this.#text = text;
    this.#adopt(config, text, false);
  }

  /** Loads `file`, or the built-in config (every key at its default). */
  static load(file?: string): { readonly ok: true; readonly store: ConfigStore } | { readonly ok: false; readonly errors: readonly SourceError[] } {
    const text = file === undefined ? '' : readText(file);
    if (typeof text !== 'string') return { ok: false, errors: [text] };
    const loaded = parseConfig(text, file ?? BUILT_IN);
    return loaded.ok ? { ok: true, store: new ConfigStore(file, loaded.config, text) } : loaded;
  }

  get current(): Config {
    return this.#current;
  }
  get version(): number {
    return this.#version;
  }
  get hash(): string {
    return this.#hash;
  }

  /** Re-reads the file (SIGHUP); the current config changes only when it is valid. */
  reload(): LoadResult {
    if (this.file === undefined) return { ok: true, config: this.#current };
    const text = readText(this.file);
    if (typeof text !== 'string') return { ok: false, errors: [text] };
    const loaded = parseConfig(text, this.file);
    if (loaded.ok) this.#adopt(loaded.config, text, false);
    return loaded;
  }

  /** Writes `config` to the file: durably, atomically, keeping comments and
   *  the user's spelling of every key that did not change. `version` numbers
   *  it as the pair's master did (a standby takes the master's numbering). */
  write(config: Config, version?: number): ConfigVersion {
    const file = this.file;
    if (file === undefined) {
      throw new ConfigNotWritable('hearth runs on its built-in config, which has no file to write: start it with -c FILE to change the config through the API');
    }
    const onDisk = readText(file);
    if (typeof onDisk !== 'string' || sha256(onDisk) !== this.#hash) {
      // Writing would silently undo someone's edit of the file.
      throw new ConfigNotWritable(`${file} changed on disk since hearth loaded it: reload it (SIGHUP) or undo the edit, then retry`);
    }
    // What `config` means once read back (a view's omitted keys get defaults).
    const intended = configSchema.parse(plain(config));
    const text = [edited(this.#text, this.#current, config), new Document(config).toString()].find((candidate) => means(candidate, file, intended));
    if (text === undefined) throw new Error('the config does not survive its own YAML round trip');
    // The file may hold secrets: both copies keep its permissions.
    const mode = statSync(file).mode & 0o777;
    for (const [path, data] of [
      [`${file}.prev`, onDisk],
      [file, text],
    ] as const) {
      writeFileAtomic(path, data);
      chmodSync(path, mode);
    }
    this.#adopt(intended, text, true, version);
    return { version: this.#version, hash: this.#hash };
  }

  /** Takes `text` as the config in force; the version moves when the text
   *  differs from the last one recorded, or on every write. */
  #adopt(config: Config, text: string, written: boolean, version?: number): void {
    this.#current = config;
    this.#text = text;
    this.#hash = sha256(text);
    if (this.file === undefined) return;
    const saved = readVersion(this.#versionFile);
    if (!written && saved?.hash === this.#hash) {
      this.#version = saved.version;
      return;
    }
    this.#version = version ?? Math.max(saved?.version ?? 0, this.#version) + 1;
    mkdirSync(join(this.#versionFile, '..'), { recursive: true });
    writeFileAtomic(this.#versionFile, `${JSON.stringify({ version: this.#version, hash: this.#hash })}\n`);
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function readText(file: string): string | SourceError {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return { file, line: 0, message: `cannot read: ${(error as Error).message}` };
  }
}

function readVersion(path: string): ConfigVersion | undefined {
  try {
    const saved = JSON.parse(readFileSync(path, 'utf8')) as Partial<ConfigVersion>;
    return typeof saved.version === 'number' && typeof saved.hash === 'string' ? { version: saved.version, hash: saved.hash } : undefined;
  } catch {
    return undefined; // first run, or a damaged file: counting starts again above the version in memory
  }
}

/** Does `text` parse to exactly `config`? */
function means(text: string | undefined, file: string, config: Config): text is string {
  if (text === undefined) return false;
  const parsed = parseConfig(text, file);
  return parsed.ok && isDeepStrictEqual(plain(parsed.config), plain(config));
}

function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** `text` with only the keys that differ between `before` and `after`
 *  rewritten, so the rest of the file (comments, `10m` instead of 600) stays
 *  as the user wrote it. undefined when the document cannot be edited in place. */
function edited(text: string, before: Config, after: Config): string | undefined {
  try {
    const doc = parseDocument(text);
    edit(doc, [], before, after);
    return doc.toString();
  } catch {
    return undefined; // e.g. aliases; the caller falls back to a fresh document
  }
}

type Path = (string | number)[];

function edit(doc: Document, path: Path, before: unknown, after: unknown): void {
  if (isDeepStrictEqual(before, after)) return;
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
  // A key absent from the file (at its default) is recursed into too, so
  // only the changed leaf is written, not the whole section of defaults.
  if (isRecord(before) && isRecord(after) && (isMap(node) || node == null)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (after[key] === undefined) {
        if (doc.hasIn([...path, key])) doc.deleteIn([...path, key]);
      } else edit(doc, [...path, key], before[key], after[key]);
    }
  } else if (Array.isArray(before) && Array.isArray(after) && isSeq(node) && node.items.length === before.length) {
    // Removing or appending items leaves the others (and their comments) alone.
    const removed = removedItems(before, after);
    if (removed) {
      for (const i of removed.reverse()) doc.deleteIn([...path, i]);
      return;
    }
    after.forEach((item, i) => (i < before.length ? edit(doc, [...path, i], before[i], item) : doc.addIn(path, item)));
    for (let i = before.length - 1; i >= after.length; i--) doc.deleteIn([...path, i]);
  } else {
    doc.setIn(path, after);
  }
}

/** The indices to delete from `before` to get `after`, if that is all that changed. */
function removedItems(before: readonly unknown[], after: readonly unknown[]): number[] | undefined {
  const removed: number[] = [];
  let kept = 0;
  before.forEach((item, i) => {
    if (kept < after.length && isDeepStrictEqual(item, after[kept])) kept++;
    else removed.push(i);
  });
  return kept === after.length && removed.length > 0 ? removed : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
