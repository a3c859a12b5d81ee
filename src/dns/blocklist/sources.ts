// Where a list comes from: a local file, or an https URL downloaded with a
// timeout and a size limit, revalidated with ETag/Last-Modified, and kept in
// data_dir so a boot without internet still blocks. A download streams to a
// temporary file that replaces the saved copy only when complete, so a
// failure leaves the last good copy in place.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../store/atomic.ts';

const DOWNLOAD_TIMEOUT_MS = 30_000;
/** Large lists (OISD big, Hagezi ultimate) are 10–40 MB. */
const MAX_LIST_BYTES = 64 * 1024 * 1024;

export type DownloadResult =
  { readonly outcome: 'downloaded'; readonly bytes: number } | { readonly outcome: 'not-modified' } | { readonly outcome: 'failed'; readonly error: string };

interface SavedMeta {
  readonly etag?: string;
  readonly lastModified?: string;
  readonly fetchedAt: string;
}

export function isUrl(spec: string): boolean {
  return /^https?:\/\//i.test(spec);
}

/** Redirects followed, each checked like the URL itself. */
const MAX_REDIRECTS = 5;

/** Why a list URL is refused, or undefined: lists come over https only, as a
 *  list fetched over plain http can be rewritten on the way (to block the
 *  bank, or to allow the malware). Plain http to this host itself is fine. */
export function listUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (parsed.protocol === 'https:') return undefined;
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (parsed.protocol === 'http:' && (host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host))) return undefined;
  return `${parsed.protocol}// list URL "${url}": lists are downloaded over https:// only (plain http can be altered on the way)`;
}

/** fetch, following redirects by hand so that each hop is checked by listUrlProblem. */
async function fetchList(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
  let at = url;
  for (let hop = 0; ; hop++) {
    const problem = listUrlProblem(at);
    if (problem) throw new Error(hop === 0 ? problem : `redirected to ${problem}`);
    const response = await fetch(at, { headers, signal, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || response.status === 304 || location === null) return response;
    if (hop === MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    await response.body?.cancel();
    at = new URL(location, at).toString();
  }
}

/** Where a URL's last good copy lives: data_dir/lists/<hash>.txt (+ .json). */
function savedPaths(dataDir: string, url: string): { readonly text: string; readonly meta: string } {
  const id = createHash('sha256').update(url).digest('hex').slice(0, 16);
  const dir = join(dataDir, 'lists');
  return { text: join(dir, `${id}.txt`), meta: join(dir, `${id}.json`) };
}

/** The file to parse for a list: the file itself, or a URL's saved copy
 *  (undefined when the URL was never downloaded). */
export function listPath(spec: string, dataDir: string): string | undefined {
  if (!isUrl(spec)) return spec;
  const { text } = savedPaths(dataDir, spec);
  return existsSync(text) ? text : undefined;
}

/** When the saved copy of a URL list was downloaded (ISO 8601), if there is one. */
export function savedAt(url: string, dataDir: string): string | undefined {
  return readMeta(savedPaths(dataDir, url).meta)?.fetchedAt;
}

function readMeta(path: string): SavedMeta | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SavedMeta;
  } catch {
    return undefined;
  }
}

export type DownloadProgress = (received: number, total: number | undefined) => void;

/** Downloads a URL list into data_dir, or learns that the saved copy is current. */
export async function downloadList(url: string, dataDir: string, progress?: DownloadProgress): Promise<DownloadResult> {
  const paths = savedPaths(dataDir, url);
  const meta = existsSync(paths.text) ? readMeta(paths.meta) : undefined;
  const temp = `${paths.text}.${process.pid}.download`;
  try {
    const headers: Record<string, string> = {};
    if (meta?.etag) headers['if-none-match'] = meta.etag;
    if (meta?.lastModified) headers['if-modified-since'] = meta.lastModified;
    const response = await fetchList(url, headers, AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS));
    if (response.status === 304 && meta) return { outcome: 'not-modified' };
    if (!response.ok || !response.body) return { outcome: 'failed', error: `HTTP ${response.status}` };
    mkdirSync(join(dataDir, 'lists'), { recursive: true });
    const bytes = await streamToFile(response, temp, progress);
    renameSync(temp, paths.text);
    writeFileAtomic(
      paths.meta,
      JSON.stringify({
        ...(response.headers.get('etag') ? { etag: response.headers.get('etag') } : {}),
        ...(response.headers.get('last-modified') ? { lastModified: response.headers.get('last-modified') } : {}),
        fetchedAt: new Date().toISOString(),
      }),
    );
    return { outcome: 'downloaded', bytes };
  } catch (error) {
    rmSync(temp, { force: true });
    return { outcome: 'failed', error: (error as Error).message };
  }
}

/** Writes the body to `path` (fsynced), refusing more than MAX_LIST_BYTES. */
async function streamToFile(response: Response, path: string, progress: DownloadProgress | undefined): Promise<number> {
  const total = Number(response.headers.get('content-length')) || undefined;
  if (total !== undefined && total > MAX_LIST_BYTES) throw new Error(`list is ${total} bytes, over the ${MAX_LIST_BYTES}-byte limit`);
  const fd = openSync(path, 'w', 0o644);
  let received = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      received += chunk.length;
      if (received > MAX_LIST_BYTES) throw new Error(`list is over the ${MAX_LIST_BYTES}-byte limit`);
      for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at, chunk.length - at);
      progress?.(received, total);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return received;
}
