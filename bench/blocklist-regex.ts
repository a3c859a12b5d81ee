// Blocklist regexes: V8's backtracking RegExp against RE2JS (linear time),
// on typical patterns and names, and on accepted patterns with names built
// to make them backtrack. Prints µs per test and the ratio.
//   node_modules/.bin/node bench/blocklist-regex.ts
import { RE2JS } from 're2js';
import { RegexSet } from '../src/dns/blocklist/regex-set.ts';

const CASES: readonly (readonly [string, string])[] = [
  ['^ad[0-9]*\\.', 'ad12.doubleclick.example.com'],
  ['^(.+[_.-])?tracker', 'www.some-site.example.com'],
  ['(^|\\.)telemetry\\.', 'eu.telemetry.vendor.example'],
  // Accepted by the shape check, and slow on a crafted name.
  ['^.*a.*b$', 'a'.repeat(250)],
  ['^(a|b).*[^x]*y', `a${'a'.repeat(250)}`],
  ['.*c', 'ab'.repeat(125)],
];

function perTest(test: (name: string) => boolean, name: string): number {
  const rounds = name.length > 100 ? 2_000 : 20_000;
  for (let i = 0; i < 5000; i++) test(name);
  const start = performance.now();
  for (let i = 0; i < rounds; i++) test(name);
  return ((performance.now() - start) / rounds) * 1000;
}

console.log('pattern'.padEnd(24), 'name'.padEnd(6), 'V8 µs'.padStart(9), 'RE2JS µs'.padStart(9), 'ratio'.padStart(7));
for (const [pattern, name] of CASES) {
  const v8 = new RegExp(pattern);
  const re2 = RE2JS.compile(pattern);
  const a = perTest((n) => v8.test(n), name);
  const b = perTest((n) => re2.test(n), name);
  console.log(pattern.padEnd(24), String(name.length).padEnd(6), a.toFixed(2).padStart(9), b.toFixed(2).padStart(9), (b / a).toFixed(1).padStart(7));
}

// What a query that no hashed rule decided costs: every regex of a set, as
// hearth's RegexSet tests them (one RE2JS program of their alternation)
// against V8 testing each in turn.
const SET_SIZE = 300;
const patterns = Array.from({ length: SET_SIZE }, (_, i) =>
  i % 3 === 0 ? `^ad${i}[0-9]*\\.` : i % 3 === 1 ? `(^|\\.)tele${i}metry\\.` : `^(.+[_.-])?track${i}er`,
);
const set = new RegexSet(patterns.map((source, line) => ({ source, rank: 0, list: 0, line })));
const v8s = patterns.map((pattern) => new RegExp(pattern));
console.log(`\n${SET_SIZE} regexes, none matching`.padEnd(31), 'V8 µs'.padStart(9), 'RE2JS µs'.padStart(9), 'ratio'.padStart(7));
for (const name of ['www.some-site.example.com', 'a.'.repeat(125) + 'a']) {
  const a = perTest((n) => v8s.some((r) => r.test(n)), name);
  const b = perTest((n) => set.first(n, -1) !== undefined, name);
  console.log(`name of ${name.length}`.padEnd(31), a.toFixed(2).padStart(9), b.toFixed(2).padStart(9), (b / a).toFixed(2).padStart(7));
}
