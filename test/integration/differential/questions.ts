// The questions asked of both servers, made from the zone files themselves:
// every owner with every type the zone holds and the usual ones, names that do
// not exist just below each owner (wildcards, DNAME, empty non-terminals), and
// the questions of RFC 4592 §2.2.1.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RRType } from '../../../src/dns/record.ts';
import { parseZoneFile } from '../../../src/dns/zones/zonefile.ts';

export interface Question {
  readonly name: string;
  readonly type: number;
}

const USUAL = [RRType.A, RRType.AAAA, RRType.TXT, RRType.MX, RRType.NS, RRType.SOA, RRType.CNAME, RRType.DNAME, RRType.SRV, RRType.DS, RRType.PTR];
/** The types asked of names below an owner. */
export const BELOW = [RRType.A, RRType.TXT, RRType.CNAME, RRType.NS, RRType.SOA, RRType.DNAME, RRType.MX];

/** RFC 4592 §2.2.1's own questions against its example zone, here wild.example. */
const RFC4592 = [
  'host3',
  '_ssh._tcp.host3',
  '_ssh._tcp.host1',
  'foo.bar',
  '_telnet._tcp.host1',
  'host.subdel',
  'ghost.*',
  'sub.*',
  'x.sub.*',
  'a.deep',
  'a.*.deep',
  'a.b.*.*.deep',
  'x.*.*.deep',
  '*.deep',
  '*.*.deep',
].map((name) => `${name}.wild.example`);

export function questionsFor(zonesDir: string, origin: string): Question[] {
  const parsed = parseZoneFile(readFileSync(join(zonesDir, `${origin}.zone`), 'utf8'), {
    file: join(zonesDir, `${origin}.zone`),
    origin,
    readFile: (path) => readFileSync(path, 'utf8'),
  });
  if (parsed.errors.length > 0) throw new Error(`hearth cannot read ${origin}: ${JSON.stringify(parsed.errors)}`);
  const types = [...new Set([...USUAL, ...parsed.records.map((r) => r.type)])];
  const owners = [...new Set(parsed.records.map((r) => r.name))];
  const seen = new Set<string>();
  const out: Question[] = [];
  const add = (name: string, type: number): void => {
    const key = `${name}/${type}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ name, type });
    }
  };
  for (const owner of owners) for (const type of types) add(owner, type);
  for (const owner of owners) {
    for (const type of BELOW) for (const name of [`nx.${owner}`, `a.b.${owner}`]) add(name, type);
  }
  if (origin === 'wild.example') for (const name of RFC4592) for (const type of [...BELOW, RRType.SRV]) add(name, type);
  return out;
}
