// The files the house's config names, and the ones hearth keeps for it,
// copied from the master to the standby: zone files (every file of each
// zones_dir), cloaking files, local block and allow lists, the saved copies
// of lists downloaded from URLs (so the list hosts see one house, not two:
// the standby never downloads them), and the API token (one token works on
// both). The master offers a manifest of hashes; the standby asks for what
// differs, writes each file atomically and reloads (no DNS restart).
// A file deleted on the master stays on the standby (its config no longer names it).
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../observe/log.ts';
import { writeFileAtomic } from '../../store/atomic.ts';
import type { PairRole } from '../role.ts';
import type { PeerLink } from './link.ts';
import type { HouseConfig } from './ports.ts';

const manifest = z.object({ files: z.record(z.string(), z.string()) });
const wanted = z.object({ want: z.array(z.string()) });
const contents = z.object({ files: z.record(z.string(), z.base64()) });
const CHECK_EVERY_MS = 30_000;
/** A list given as a URL: its saved copy under data_dir/lists is synced instead. */
const DOWNLOADED = /^https?:\/\//i;

/** Each synced file by its key, the same on both nodes, and its path on this one. */
export function syncedFiles(config: HouseConfig): Map<string, string> {
  const files = new Map<string, string>([['token', config.api.token_file]]);
  const dns = config.dns;
  const sections = [dns, ...dns.views];
  for (const section of sections) {
    if (section.zones_dir) {
      for (const name of filesIn(section.zones_dir)) files.set(`path:${join(section.zones_dir, name)}`, join(section.zones_dir, name));
    }
    for (const path of [...(section.cloaking?.files ?? []), ...(section.blocking?.lists ?? []), ...(section.blocking?.allow ?? [])]) {
      if (!DOWNLOADED.test(path)) files.set(`path:${path}`, path);
    }
  }
  const lists = join(config.data_dir, 'lists');
  for (const name of filesIn(lists)) files.set(`lists/${name}`, join(lists, name));
  return files;
}

/** The files of `dir` (not temporary ones being written); none when it does not exist yet. */
function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => !name.endsWith('.tmp') && statSync(join(dir, name)).isFile());
  } catch {
    return [];
  }
}

export interface FileSyncStatus {
  readonly sent: number;
  readonly received: number;
  readonly lastSync: { readonly files: number; readonly bytes: number; readonly ms: number } | undefined;
}

export class FileReplicator {
  private readonly link: PeerLink;
  private readonly role: PairRole;
  private readonly config: () => HouseConfig;
  private readonly reload: () => Promise<void>;
  private readonly log: Logger;
  /** Hashes by path, valid while size and mtime stay the same. */
  private readonly hashes = new Map<string, { readonly size: number; readonly mtime: number; readonly hash: string }>();
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private sent = 0;
  private received = 0;
  private lastSync: FileSyncStatus['lastSync'];

  constructor(options: { link: PeerLink; role: PairRole; config: () => HouseConfig; reload: () => Promise<void>; log: Logger }) {
    ({ link: this.link, role: this.role, config: this.config, reload: this.reload, log: this.log } = options);
    this.link.handle('files-manifest', (body) => this.compare(manifest.parse(body).files));
    this.link.handle('files', (body) => this.write(contents.parse(body).files));
    this.link.onUp(() => this.changed());
    this.timer = setInterval(() => this.changed(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  status(): FileSyncStatus {
    return { sent: this.sent, received: this.received, lastSync: this.lastSync };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Files may have changed here (a list download, the config, the link came up): the master offers them. */
  changed(): void {
    if (this.role.state !== 'master' || !this.link.isUp) return;
    this.running = this.running.then(() => this.offer()).catch((error: Error) => this.log.warn({ err: error.message }, 'files not synced to the standby'));
  }

  private async offer(): Promise<void> {
    if (this.role.state !== 'master' || !this.link.isUp) return;
    const started = performance.now();
    const files = syncedFiles(this.config());
    const hashes: Record<string, string> = {};
    for (const [key, path] of files) {
      const hash = this.hashOf(path);
      if (hash) hashes[key] = hash;
    }
    const { want } = wanted.parse(await this.link.request('files-manifest', { files: hashes }, 30_000));
    if (want.length === 0) return;
    const sending: Record<string, string> = {};
    let bytes = 0;
    for (const key of want) {
      const path = files.get(key);
      if (path === undefined) continue;
      const data = readFileSync(path);
      bytes += data.length;
      sending[key] = data.toString('base64');
    }
    await this.link.request('files', { files: sending }, 120_000);
    this.sent += Object.keys(sending).length;
    this.lastSync = { files: Object.keys(sending).length, bytes, ms: Math.round(performance.now() - started) };
    this.log.info(this.lastSync, 'files synced to the standby');
  }

  /** Standby: the keys whose content differs here. */
  private compare(theirs: Record<string, string>): { want: string[] } {
    const mine = syncedFiles(this.config());
    const want = Object.entries(theirs)
      .filter(([key, hash]) => {
        const path = this.localPath(key, mine);
        return path !== undefined && this.hashOf(path) !== hash;
      })
      .map(([key]) => key);
    return { want };
  }

  /** Standby: writes each file atomically, then reloads what uses them. */
  private async write(files: Record<string, string>): Promise<number> {
    const mine = syncedFiles(this.config());
    let written = 0;
    for (const [key, data] of Object.entries(files)) {
      const path = this.localPath(key, mine);
      if (path === undefined) continue;
      mkdirSync(dirname(path), { recursive: true });
      writeFileAtomic(path, Buffer.from(data, 'base64'));
      // The token is a password: only hearth's user reads it (auth.ts warns otherwise).
      if (key === 'token') chmodSync(path, 0o600);
      written++;
    }
    this.received += written;
    await this.reload();
    return written;
  }

  /** Where `key` lives on this node; config-named paths are the same string on both. */
  private localPath(key: string, mine: Map<string, string>): string | undefined {
    if (mine.has(key)) return mine.get(key);
    if (key.startsWith('path:')) return key.slice(5);
    if (key.startsWith('lists/') && !key.slice(6).includes('/') && !key.includes('..')) return join(this.config().data_dir, key);
    return undefined;
  }

  private hashOf(path: string): string | undefined {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat?.isFile()) return undefined;
    const known = this.hashes.get(path);
    if (known?.size === stat.size && known.mtime === stat.mtimeMs) return known.hash;
    const hash = createHash('sha256').update(readFileSync(path)).digest('hex');
    this.hashes.set(path, { size: stat.size, mtime: stat.mtimeMs, hash });
    return hash;
  }
}
