// Compiles src/ into dist/ by stripping the types (Node's own stripper, the
// one `node src/main.ts` uses), so a running hearth loads plain JavaScript:
// type stripping at run time keeps a WebAssembly TypeScript parser in every
// thread that loads a .ts file, ~17 MB of RSS each for the main thread and
// the query log's writer (bench/footprint.sh). Positions are kept (types
// become spaces) and each file names its source, so stack traces point into
// src/. Only files newer than their copy are redone; copies whose source is
// gone are removed. Run by `npm ci` (prepare) and before `npm start`.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const source = join(root, 'src');
const target = join(root, 'dist');

/** Relative module specifiers ending in .ts (imports, `new URL(…)` of a worker) end in .js in dist. */
const RELATIVE_TS = /(['"])(\.{1,2}\/[^'"\n]*)\.ts\1/g;

/** The dashboard's modules go to the browser under their own names (index.html
 *  loads /ui/main.ts): stripped too, but names and specifiers kept. */
const BROWSER = join(source, 'dashboard') + sep;

function outputOf(file: string): string {
  const path = join(target, relative(source, file));
  return path.endsWith('.ts') && !file.startsWith(BROWSER) ? `${path.slice(0, -3)}.js` : path;
}

function compile(file: string): string {
  const code = readFileSync(file, 'utf8');
  if (file.startsWith(BROWSER)) return stripTypeScriptTypes(code, { mode: 'strip' });
  return `${stripTypeScriptTypes(code, { mode: 'strip', sourceUrl: pathToFileURL(file).href }).replace(RELATIVE_TS, '$1$2.js$1')}\n`;
}

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (!entry.name.endsWith('.test.ts')) yield path;
  }
}

function* outputs(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* outputs(path);
    else yield path;
  }
}

let compiled = 0;
const wanted = new Set<string>();
for (const file of sources(source)) {
  const out = outputOf(file);
  wanted.add(out);
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(file).mtimeMs) continue;
  mkdirSync(dirname(out), { recursive: true });
  if (file.endsWith('.ts')) {
    writeFileSync(out, compile(file));
  } else {
    copyFileSync(file, out);
  }
  compiled++;
}
for (const out of outputs(target)) if (!wanted.has(out)) rmSync(out);
if (compiled > 0 && !process.argv.includes('--quiet')) console.log(`compiled ${compiled} files into dist/`);
