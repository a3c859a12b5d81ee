// Blocklist regexes: V8's backtracking RegExp against RE2JS (linear time),
// on typical patterns and names, and on accepted patterns with names built
// to make them backtrack. Prints µs per test and the ratio.
//   node_modules/.bin/node bench/blocklist-regex.ts
import { RE2JS } from 're2js';

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
  const rounds = 20_000;
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
