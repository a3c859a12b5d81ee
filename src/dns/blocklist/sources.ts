// Where list text comes from: a local file, or an http(s) URL downloaded
// with a timeout and a size limit, revalidated with ETag/Last-Modified, and
// kept in data_dir so a boot without internet still blocks. A download that
// fails leaves the last good copy in place.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../store/atomic.ts';

export const DOWNLOAD_TIMEOUT_MS = 30_000;
/** Large lists (OISD big, Hagezi ultimate) are 10–40 MB. */
export const MAX_LIST_BYTES = 64 * 1024 * 1024;

export type ListOrigin = 'file' | 'downloaded' | 'not-modified' | 'saved-copy' | 'none';

export interface ListText {
  readonly spec: string;
  readonly text: string;
  readonly origin: ListOrigin;
  /** Why a download or read failed (the text is then the saved copy, or empty). */
  readonly error?: string;
}

interface SavedMeta {
  readonly etag?: string;
  readonly lastModified?: string;
  readonly fetchedAt: string;
}

export function isUrl(spec: string): boolean {
  return /^https?:\/\//i.test(spec);
}

/** Where a URL's last good copy lives: data_dir/lists/<hash>.txt (+ .json). */
function savedPaths(dataDir: string, url: string): { text: string; meta: string } {
  const id = createHash('sha256').update(url).digest('hex').slice(0, 16);
  const dir = join(dataDir, 'lists');
  return { text: join(dir, `${id}.txt`), meta: join(dir, `${id}.json`) };
}

function readSaved(dataDir: string, url: string): { text: string; meta: SavedMeta } | undefined {
  const paths = savedPaths(dataDir, url);
  try {
    return { text: readFileSync(paths.text, 'utf8'), meta: JSON.parse(readFileSync(paths.meta, 'utf8')) as SavedMeta };
  } catch {
    return undefined;
  }
}

/** The list as it is on this machine now: a file, or a URL's saved copy. No network. */
export function readLocal(spec: string, dataDir: string): ListText {
  if (!isUrl(spec)) {
    try {
      return { spec, text: readFileSync(spec, 'utf8'), origin: 'file' };
    } catch (error) {
      return { spec, text: '', origin: 'none', error: (error as Error).message };
    }
  }
  const saved = readSaved(dataDir, spec);
  return saved ? { spec, text: saved.text, origin: 'saved-copy' } : { spec, text: '', origin: 'none', error: 'not downloaded yet' };
}

export interface DownloadProgress {
  (received: number, total: number | undefined): void;
}

/** Downloads a URL list, or revalidates the saved copy; on any failure the
 *  saved copy (if any) is returned with the error. Files are just read. */
export async function fetchList(spec: string, dataDir: string, progress?: DownloadProgress): Promise<ListText> {
  if (!isUrl(spec)) return readLocal(spec, dataDir);
  const saved = readSaved(dataDir, spec);
  const fallback = (error: string): ListText =>
    saved ? { spec, text: saved.text, origin: 'saved-copy', error } : { spec, text: '', origin: 'none', error };
  try {
    const headers: Record<string, string> = {};
    if (saved?.meta.etag) headers['if-none-match'] = saved.meta.etag;
    if (saved?.meta.lastModified) headers['if-modified-since'] = saved.meta.lastModified;
    const response = await fetch(spec, { headers, signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), redirect: 'follow' });
    if (response.status === 304 && saved) return { spec, text: saved.text, origin: 'not-modified' };
    if (!response.ok || !response.body) return fallback(`HTTP ${response.status}`);
    const text = await readBody(response, progress);
    const paths = savedPaths(dataDir, spec);
    mkdirSync(join(dataDir, 'lists'), { recursive: true });
    writeFileAtomic(paths.text, text);
    const meta: SavedMeta = {
      ...(response.headers.get('etag') ? { etag: response.headers.get('etag')! } : {}),
      ...(response.headers.get('last-modified') ? { lastModified: response.headers.get('last-modified')! } : {}),
      fetchedAt: new Date().toISOString(),
    };
    writeFileAtomic(paths.meta, JSON.stringify(meta));
    return { spec, text, origin: 'downloaded' };
  } catch (error) {
    return fallback((error as Error).message);
  }
}

async function readBody(response: Response, progress: DownloadProgress | undefined): Promise<string> {
  const total = Number(response.headers.get('content-length')) || undefined;
  if (total !== undefined && total > MAX_LIST_BYTES) throw new Error(`list is ${total} bytes, over the ${MAX_LIST_BYTES} limit`);
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    received += chunk.length;
    if (received > MAX_LIST_BYTES) throw new Error(`list is over the ${MAX_LIST_BYTES}-byte limit`);
    chunks.push(chunk);
    progress?.(received, total);
  }
  return Buffer.concat(chunks).toString('utf8');
}
