// Loads every `*.zone` file of a zones_dir. The file name is the origin
// (`home.lan.zone` serves home.lan), as CoreDNS's file plugin and BIND's
// `zone "home.lan" { file "home.lan.zone"; }` pair them. A zone file with an
// error is never served in part: its last good version is, or nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceError } from '../../diagnostics/source-error.ts';
import { NameError, parseName } from '../name.ts';
import { Zone } from './zone.ts';
import { parseZoneFile } from './zonefile.ts';

export interface LoadedZones {
  readonly zones: readonly Zone[];
  readonly errors: readonly SourceError[];
  /** Records left out of a zone that is served all the same (out-of-zone data). */
  readonly warnings: readonly SourceError[];
}

/** The last version of each zone file that loaded cleanly, by path: a reload
 *  that finds an error keeps serving it (as BIND does) instead of dropping
 *  the zone, which would send the house's private names upstream. */
export type LastGoodZones = Map<string, Zone>;

export function loadZonesDir(dir: string, lastGood: LastGoodZones): LoadedZones {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.zone')).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A zones_dir that does not exist simply holds no zones.
    if (code === 'ENOENT') return { zones: [], errors: [], warnings: [] };
    return { zones: [], errors: [{ file: dir, line: 0, message: `cannot read zones_dir: ${(error as Error).message}` }], warnings: [] };
  }
  const zones: Zone[] = [];
  const errors: SourceError[] = [];
  const warnings: SourceError[] = [];
  for (const file of files) {
    const path = join(dir, file);
    const loaded = loadZoneFile(path, file.slice(0, -'.zone'.length), warnings);
    if (loaded instanceof Zone) {
      zones.push(loaded);
      lastGood.set(path, loaded);
      continue;
    }
    errors.push(...loaded);
    const previous = lastGood.get(path);
    if (previous) {
      zones.push(previous);
      errors.push({ file: path, line: 0, message: 'still serving the version loaded before' });
    }
  }
  return { zones, errors, warnings };
}

function loadZoneFile(path: string, originText: string, warnings: SourceError[]): Zone | SourceError[] {
  let origin: string;
  try {
    origin = parseName(`${originText}.`);
  } catch (error) {
    if (!(error instanceof NameError)) throw error;
    return [{ file: path, line: 0, message: `the file name is not a zone name: ${error.message}` }];
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return [{ file: path, line: 0, message: `cannot read: ${(error as Error).message}` }];
  }
  const parsed = parseZoneFile(text, { file: path, origin, readFile: (included) => readFileSync(included, 'utf8') });
  warnings.push(...parsed.warnings);
  if (parsed.errors.length > 0) return [...parsed.errors];
  const zone = Zone.build(origin, parsed.records);
  return zone instanceof Zone ? zone : zone.map((message) => ({ file: path, line: 0, message }));
}
