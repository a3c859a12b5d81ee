// Blocklist matcher at a million names: load time, memory, peak RSS while a
// reload builds a second set beside the first, and the cost of a decision.
//
//   node bench/blocklist.ts [COUNT]        (default 1000000; Node 24: node_modules/.bin)
//   BENCH_FLAGS=--max-semi-space-size=1 node bench/blocklist.ts   (V8 flags for the measuring process)
//
// The parent writes COUNT distinct names into a temporary directory, half as
// a hosts file and half as an adblock list, plus query files, then measures
// in a fresh child process (`--expose-gc`), so nothing of the generation
// (a Set of a million strings) inflates the figures. Names have 2-5 labels,
// a mix of TLDs, and many share a parent, as ad and tracker domains do.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainSetBuilder, type DomainSet } from '../src/dns/blocklist/matcher.ts';
import { parseList, parseListFile } from '../src/dns/blocklist/parse.ts';
import { seededRandom } from '../test/support/random.ts';

const TARGET = { heapMB: 40, decideNs: 1000, loadS: 3, peakRatio: 1.3 };
const LOOKUPS = 1_000_000;
const MB = 1024 * 1024;

// Patterns of the kind Pi-hole and AdGuard users load (mmotti's), for the regex line.
const REGEXES = [
  '/^(.+[_.-])?adse?rv(er?|ice)?s?[0-9]*[_.-]/',
  '/^(.+[_.-])?telemetry[_.-]/',
  '/^adim(age|g)s?[0-9]*[_.-]/',
  '/^adtrack(er|ing)?[0-9]*[_.-]/',
  '/^advert(s|is(ing|ements?))?[0-9]*[_.-]/',
  '/^aff(iliat(es?|ion))?[_.-]/',
  '/^analytics?[_.-]/',
  '/^banners?[_.-]/',
  '/^beacons?[0-9]*[_.-]/',
  '/^count(ers?)?[0-9]*[_.-]/',
  '/^mads\\./',
  '/^pixels?[-.]/',
  '/^stat(s|istics)?[0-9]*[_.-]/',
];

function generate(dir: string, count: number): void {
  const rnd = seededRandom(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const tlds = [
    'com',
    'com',
    'com',
    'com',
    'net',
    'net',
    'org',
    'io',
    'co',
    'de',
    'ru',
    'info',
    'xyz',
    'top',
    'co.uk',
    'com.br',
    'fr',
    'jp',
    'cn',
    'online',
    'site',
    'club',
    'tk',
    'pl',
    'nl',
  ];
  const words = [
    'ads',
    'ad',
    'track',
    'tracker',
    'pixel',
    'metrics',
    'stats',
    'cdn',
    'api',
    'www',
    'img',
    'static',
    'log',
    'events',
    'collect',
    'sync',
    'rtb',
    'bid',
    'tag',
    'eu',
    'us',
    'analytics',
    'beacon',
    'srv',
    'edge',
    'media',
    'click',
    'go',
    'promo',
    'telemetry',
  ];
  const token = (min: number, max: number): string => {
    const length = min + Math.floor(rnd() * (max - min + 1));
    let out = '';
    for (let i = 0; i < length; i++) out += 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(rnd() * (rnd() < 0.85 ? 26 : 36))];
    return out;
  };
  const label = (): string =>
    (rnd() < 0.5 ? pick(words) + (rnd() < 0.4 ? String(Math.floor(rnd() * 100)) : '') : token(2, 14)) + (rnd() < 0.1 ? '-' + token(2, 8) : '');
  const apex = (): string => `${token(3, 16)}${rnd() < 0.15 ? '-' + token(3, 10) : ''}.${pick(tlds)}`;
  const parents: string[] = []; // popular ad domains carry many subdomains each
  const names = new Set<string>();
  while (names.size < count) {
    const depth = Math.floor(rnd() * 4); // labels below the registrable name: 0-3, so 2-5 in all
    let name = depth > 0 && parents.length > 0 && rnd() < 0.4 ? pick(parents) : apex();
    if (parents.length < 20_000 && rnd() < 0.05) parents.push(name);
    for (let i = 0; i < depth; i++) name = `${label()}.${name}`;
    names.add(name);
  }
  const all = [...names];
  const half = all.length >> 1;
  const hosts = ['# Title: generated hosts list', '127.0.0.1 localhost', '::1 localhost ip6-localhost ip6-loopback', '0.0.0.0 0.0.0.0', ''];
  for (let i = 0; i < half; i++) hosts.push(`0.0.0.0 ${all[i]}`);
  writeFileSync(join(dir, 'hosts.txt'), hosts.join('\n') + '\n');
  const adblock = ['[Adblock Plus 2.0]', '! Title: generated adblock list', '!'];
  for (let i = half; i < all.length; i++) adblock.push(`||${all[i]}^`);
  writeFileSync(join(dir, 'adblock.txt'), adblock.join('\n') + '\n');
  // Hits: half the listed names themselves, half a name below one.
  const hits: string[] = [];
  for (let i = 0; i < 100_000; i++) hits.push(i % 2 ? all[Math.floor(rnd() * all.length)]! : `${label()}.${all[Math.floor(rnd() * all.length)]!}`);
  // Misses: fresh names of the same shapes none of whose suffixes is listed.
  const misses: string[] = [];
  while (misses.length < 100_000) {
    let name = apex();
    for (let i = Math.floor(rnd() * 4); i > 0; i--) name = `${label()}.${name}`;
    let listed = false;
    for (let at = name; !listed && at.includes('.'); at = at.slice(at.indexOf('.') + 1)) listed = names.has(at);
    if (!listed) misses.push(name);
  }
  writeFileSync(join(dir, 'hits.txt'), hits.join('\n'));
  writeFileSync(join(dir, 'misses.txt'), misses.join('\n'));
}

/** Both lists into one set; `expected` is the size hint a reload passes. */
async function load(dir: string, expected = 0): Promise<{ set: DomainSet; parseS: number; buildS: number }> {
  const start = performance.now();
  const builder = new DomainSetBuilder(expected);
  await parseListFile(join(dir, 'hosts.txt'), builder, { file: 'hosts.txt', list: 0 });
  await parseListFile(join(dir, 'adblock.txt'), builder, { file: 'adblock.txt', list: 1 });
  const parsed = performance.now();
  const set = builder.build();
  return { set, parseS: (parsed - start) / 1000, buildS: (performance.now() - parsed) / 1000 };
}

/**
 * ns per decision over LOOKUPS decisions (the median of 3 runs, as other
 * processes on the machine add noise), and how many were not 'none'.
 */
function time(set: DomainSet, names: readonly string[]): { ns: number; matched: number } {
  const runs: number[] = [];
  let matched = 0;
  for (let run = 0; run < 3; run++) {
    matched = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < LOOKUPS; i++) if (set.decide(names[i % names.length]!).verdict !== 'none') matched++;
    runs.push(Number(process.hrtime.bigint() - start) / LOOKUPS);
  }
  return { ns: runs.sort((a, b) => a - b)[1]!, matched };
}

/** A full GC, and time for V8 to free the array buffers it found dead (it does that after the GC). */
async function settle(): Promise<void> {
  globalThis.gc!();
  await new Promise((resolve) => setTimeout(resolve, 200));
  globalThis.gc!();
}

async function measure(dir: string): Promise<void> {
  const hits = readFileSync(join(dir, 'hits.txt'), 'utf8').split('\n');
  const misses = readFileSync(join(dir, 'misses.txt'), 'utf8').split('\n');
  await settle();
  const before = process.memoryUsage();
  const first = await load(dir);
  let set = first.set;
  const loadS = first.parseS + first.buildS;
  await settle();
  const after = process.memoryUsage();
  const heapMB = (after.heapUsed - before.heapUsed) / MB;
  const buffersMB = (after.arrayBuffers - before.arrayBuffers) / MB;

  time(set, hits); // warm-up: let V8 optimize decide()
  time(set, misses);
  const hit = time(set, hits);
  const miss = time(set, misses);
  // A resolver sees the same few thousand names again and again: then the
  // entries they touch stay in the CPU cache.
  const hotHit = time(set, hits.slice(0, 1000));
  const hotMiss = time(set, misses.slice(0, 1000));

  // Reload: a second set built while the first still answers, then swapped.
  await settle();
  const steady = process.memoryUsage().rss;
  const maxBefore = process.resourceUsage().maxRSS * 1024;
  let peak = steady;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const reload = await load(dir, set.size);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  set = reload.set;
  await settle();

  const regexOnly = new DomainSetBuilder();
  parseList(REGEXES.join('\n'), regexOnly, { file: 'regexes', list: 2 });
  const regexSet = regexOnly.build();
  time(regexSet, misses);
  const regexMiss = time(regexSet, misses);

  const ok = (pass: boolean): string => (pass ? 'ok  ' : 'FAIL');
  const totalMB = heapMB + buffersMB;
  console.log(`
names in the set        ${set.size.toLocaleString('en')} (hosts.txt + adblock.txt, ${(set.byteLength / MB).toFixed(1)} MB of typed arrays)
load (parse + build)    ${loadS.toFixed(2)} s (${first.parseS.toFixed(2)} + ${first.buildS.toFixed(2)})   ${ok(loadS < TARGET.loadS)} target < ${TARGET.loadS} s
memory, after GC        heap ${heapMB.toFixed(1)} MB + array buffers ${buffersMB.toFixed(1)} MB = ${totalMB.toFixed(1)} MB   ${ok(totalMB <= TARGET.heapMB)} target <= ${TARGET.heapMB} MB
RSS delta               ${((after.rss - before.rss) / MB).toFixed(1)} MB (steady RSS ${(steady / MB).toFixed(1)} MB)
decide, hit             ${hit.ns.toFixed(0)} ns (${hit.matched.toLocaleString('en')} of ${LOOKUPS.toLocaleString('en')} blocked)   ${ok(hit.ns < TARGET.decideNs)} target < ${TARGET.decideNs} ns
decide, miss            ${miss.ns.toFixed(0)} ns (${miss.matched.toLocaleString('en')} matched)   ${ok(miss.ns < TARGET.decideNs)} target < ${TARGET.decideNs} ns
  (over 100,000 distinct names each, half of the hits listed names and half a name below one;
   over 1,000 names, as a resolver sees the same names again and again: hit ${hotHit.ns.toFixed(0)} ns, miss ${hotMiss.ns.toFixed(0)} ns)
reload beside the old   ${(reload.parseS + reload.buildS).toFixed(2)} s (old size as the size hint), steady RSS ${(steady / MB).toFixed(1)} MB
  peak RSS, sampled     ${(peak / MB).toFixed(1)} MB = ${(peak / steady).toFixed(2)}x steady   ${ok(peak / steady < TARGET.peakRatio)} target < ${TARGET.peakRatio}x
  process maxRSS        ${(maxRss / MB).toFixed(1)} MB = ${(maxRss / steady).toFixed(2)}x steady (${(maxBefore / MB).toFixed(1)} MB before the reload, from the first load)
regexes                 a set of ${REGEXES.length} published regexes alone: miss ${regexMiss.ns.toFixed(0)} ns (tested only when no hashed rule decided)`);
}

if (process.argv[2] === 'measure') {
  await measure(process.argv[3]!);
} else {
  const count = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'hearth-blocklist-'));
  try {
    const start = performance.now();
    generate(dir, count);
    console.log(`generated ${count.toLocaleString('en')} names in ${((performance.now() - start) / 1000).toFixed(1)} s into ${dir}`);
    const flags = process.env.BENCH_FLAGS?.split(' ').filter(Boolean) ?? [];
    const child = spawnSync(process.execPath, ['--expose-gc', ...flags, import.meta.filename, 'measure', dir], { stdio: 'inherit' });
    process.exitCode = child.status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
