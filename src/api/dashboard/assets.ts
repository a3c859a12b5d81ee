// The dashboard's files, read once when the API is built: the page's modules
// from src/dashboard (TypeScript, its types stripped as Node strips hearth's
// own, so the page has no build step) and Preact and htm from node_modules,
// each kept with its gzip and brotli forms and an ETag. Nothing is fetched
// from elsewhere: the page works when the house's internet is down.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';

const PAGE_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));
/** Run from dist/ (npm start), the page's modules were stripped by
 *  scripts/compile.ts already: stripping here would load Node's TypeScript
 *  parser (~17 MB of RSS, issue 14) into a process that needs it for nothing else. */
const STRIPPED_BEFOREHAND = import.meta.url.endsWith('.js');

/** Bare specifiers the page imports, and the URL each is served at (the page's import map). */
const VENDOR: Readonly<Record<string, string>> = {
  preact: '/ui/vendor/preact.js',
  'preact/hooks': '/ui/vendor/preact-hooks.js',
  htm: '/ui/vendor/htm.js',
  'htm/preact': '/ui/vendor/htm-preact.js',
};

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ts': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface Asset {
  readonly type: string;
  readonly etag: string;
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly br: Buffer;
}

export interface Dashboard {
  /** By URL path: "/" is the page, the rest under /ui/. */
  readonly assets: ReadonlyMap<string, Asset>;
  /** The page's Content-Security-Policy: its own origin only, and the import map by its hash. */
  readonly csp: string;
}

function asset(path: string, text: string | Buffer): Asset {
  const body = Buffer.from(text);
  return {
    type: TYPES[extname(path)] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    body,
    gzip: gzipSync(body, { level: 9 }),
    br: brotliCompressSync(body),
  };
}

/** Node's own type stripping (erasable syntax only, as hearth's code). It
 *  warns once that the function is experimental; the stripping is the one
 *  that runs hearth itself, so the warning would only alarm the log's reader. */
function stripTypes(source: string): string {
  const emitWarning = process.emitWarning;
  process.emitWarning = () => {};
  try {
    return stripTypeScriptTypes(source, { mode: 'strip' });
  } finally {
    process.emitWarning = emitWarning;
  }
}

function pageFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && TYPES[extname(entry.name)] !== undefined && !entry.name.endsWith('.test.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

export function loadDashboard(): Dashboard {
  const assets = new Map<string, Asset>();
  for (const file of pageFiles(PAGE_DIR)) {
    const url = `/ui/${relative(PAGE_DIR, file).split('\\').join('/')}`;
    const text = readFileSync(file, 'utf8');
    assets.set(url, asset(file, file.endsWith('.ts') && !STRIPPED_BEFOREHAND ? stripTypes(text) : text));
  }
  for (const [specifier, url] of Object.entries(VENDOR)) {
    assets.set(url, asset(url, readFileSync(fileURLToPath(import.meta.resolve(specifier)), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/, '')));
  }
  const importMap = JSON.stringify({ imports: VENDOR });
  const page = readFileSync(join(PAGE_DIR, 'index.html'), 'utf8').replace('<!--importmap-->', `<script type="importmap">${importMap}</script>`);
  assets.set('/', asset('index.html', page));
  assets.delete('/ui/index.html');
  const hash = createHash('sha256').update(importMap).digest('base64');
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'sha256-${hash}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { assets, csp };
}
