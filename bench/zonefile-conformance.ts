// How hearth reads zone files that BIND reads: every `*.db` file under a
// folder (BIND's own system tests: bin/tests/system of a bind9 checkout) that
// `named-checkzone` loads, taking the file name as the zone name, is read by
// hearth too, and the records compared: names, TTLs, types and RDATA bytes,
// named's side read back from its `-D` dump. Prints the files hearth refuses
// and those whose records differ, then the counts.
// Run: node bench/zonefile-conformance.ts /path/to/bind9/bin/tests/system
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { NameError, parseName } from '../src/dns/name.ts';
import type { ResourceRecord } from '../src/dns/record.ts';
import { typeName } from '../src/dns/zones/rr-types.ts';
import { Zone } from '../src/dns/zones/zone.ts';
import { parseZoneFile } from '../src/dns/zones/zonefile.ts';

const root = process.argv[2];
if (!root) throw new Error('usage: node bench/zonefile-conformance.ts FOLDER');

/** named-checkzone's checks of content (MX targets, glue, DNSSEC) are left out: only what loads counts. */
const LENIENT = ['-i', 'none', '-k', 'ignore', '-n', 'ignore', '-m', 'ignore', '-M', 'ignore', '-S', 'ignore', '-T', 'ignore', '-W', 'ignore'];

const key = (r: ResourceRecord): string => `${r.name} ${r.ttl} ${typeName(r.type)} ${Buffer.from(r.rdata).toString('hex')}`;

function records(origin: string, list: readonly ResourceRecord[]): Set<string> | string {
  const zone = Zone.build(origin, list);
  return zone instanceof Zone ? new Set([...zone.records()].map(key)) : zone.join('; ');
}

const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.db'))
  .map((file) => join(root, file));
const counts = { files: files.length, namedLoads: 0, hearthLoads: 0, same: 0 };
for (const file of files) {
  const zoneName = basename(file).replace(/\.db$/, '').replace(/^db\./, '');
  let dump: string;
  let origin: string;
  try {
    origin = parseName(`${zoneName}.`);
    // $INCLUDE paths are relative to where named-checkzone runs; hearth reads them relative to the file.
    dump = execFileSync('named-checkzone', [...LENIENT, '-D', '-o', '-', zoneName, basename(file)], {
      cwd: dirname(file),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
  } catch (error) {
    if (error instanceof NameError || (error as { status?: number }).status !== undefined) continue;
    throw error;
  }
  counts.namedLoads++;
  const ours = parseZoneFile(readFileSync(file, 'utf8'), { file, origin, readFile: (path) => readFileSync(path, 'utf8') });
  const mine =
    ours.errors.length > 0
      ? ours.errors
          .slice(0, 2)
          .map((e) => `${e.line}: ${e.message}`)
          .join(' | ')
      : records(origin, ours.records);
  if (typeof mine === 'string') {
    console.log(`refused ${file}: ${mine}`);
    continue;
  }
  counts.hearthLoads++;
  const text = dump
    .split('\n')
    .filter((line) => !/^zone |^OK$|^\S+:\d+: /.test(line))
    .join('\n');
  const theirs = records(origin, parseZoneFile(text, { file: 'named-checkzone -D', origin: '' }).records);
  const only = (a: Set<string>, b: Set<string> | string) => [...a].filter((x) => typeof b === 'string' || !b.has(x));
  const differ = typeof theirs === 'string' ? [theirs] : [...only(mine, theirs), ...only(theirs, mine)];
  if (differ.length === 0) counts.same++;
  else console.log(`differs ${file}:\n  ${differ.slice(0, 4).join('\n  ')}`);
}
console.log(counts);
