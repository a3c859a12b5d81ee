// Random and mutated zone files: the reader must end every one with records
// and file:line errors, never an exception or a hang. And random RDATA of
// every type must print as text that reads back to the same bytes.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rdataFromText, rdataToText } from '../../src/dns/zones/rdata-text.ts';
import { FORMATS } from '../../src/dns/zones/rdata-formats.ts';
import { typeName } from '../../src/dns/zones/rr-types.ts';
import { tokenize } from '../../src/dns/zones/tokenize.ts';
import { parseZoneFile } from '../../src/dns/zones/zonefile.ts';
import { seededRandom } from '../support/random.ts';

const ZONES = resolve(import.meta.dirname, '../integration/differential/zones');
const SEEDS = readdirSync(ZONES)
  .filter((file) => file.endsWith('.zone'))
  .map((file) => readFileSync(join(ZONES, file), 'utf8'));
const FILES = 3000;

/** Pieces zone files are made of, the awkward ones included. */
const VOCABULARY = [
  '@',
  '*',
  '.',
  'a',
  'a.b.',
  'host-$',
  '${0,3,n}',
  '${-9,2,x}',
  '$',
  '$$',
  '\\$',
  '\\',
  '\\#',
  '\\# 0',
  '\\# 3 010203',
  '"',
  '""',
  '"x y"',
  '(',
  ')',
  ';',
  '\n',
  '\n ',
  ' ',
  '\t',
  '\r\n',
  '$ORIGIN',
  '$TTL',
  '$INCLUDE',
  '$GENERATE',
  '1-3',
  '0-65535',
  '5-1',
  '1-9/0',
  'other.inc',
  'self.inc',
  'IN',
  'CH',
  '60',
  '1h',
  '4294967296',
  '-1',
  'A',
  'AAAA',
  'TXT',
  'MX',
  'SOA',
  'NS',
  'CNAME',
  'DNAME',
  'SVCB',
  'HTTPS',
  'LOC',
  'NAPTR',
  'DS',
  'DNSKEY',
  'RRSIG',
  'NSEC',
  'NSEC3',
  'CAA',
  'URI',
  'TYPE65534',
  'APL',
  '192.0.2.1',
  '::1',
  'alpn=h2,h3',
  'alpn=',
  'mandatory=port',
  'port=99999',
  'key65535=x',
  'ech="AEX="',
  '42',
  'N',
  'S',
  'E',
  'W',
  '10m',
  'AQID',
  'AABB',
  '-',
  '20260101000000',
  'x'.repeat(64),
  'é',
  '\u0000',
  '\\999',
  '\\065',
];

describe('the zone-file reader, fed random and mutated files', () => {
  it(`ends each of ${FILES} files with records and errors carrying a file and line, never an exception`, () => {
    const random = seededRandom(20261203);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const includes = new Map([
      [resolve('/z/other.inc'), 'x A 192.0.2.1\n$INCLUDE self.inc\n'],
      [resolve('/z/self.inc'), '$INCLUDE self.inc\n'],
    ]);
    const readFile = (path: string): string => {
      const text = includes.get(path);
      if (text === undefined) throw new Error('no such file');
      return text;
    };
    for (let n = 0; n < FILES; n++) {
      let text: string;
      if (n % 2 === 0) {
        text = Array.from({ length: 1 + Math.floor(random() * 60) }, () => pick(VOCABULARY)).join(random() < 0.7 ? ' ' : '');
      } else {
        const chars = [...pick(SEEDS)];
        for (let k = 0; k < 1 + Math.floor(random() * 8); k++) {
          const at = Math.floor(random() * chars.length);
          const roll = random();
          if (roll < 0.3) chars.splice(at, 1 + Math.floor(random() * 20));
          else if (roll < 0.6) chars.splice(at, 0, pick(VOCABULARY));
          else if (roll < 0.8) chars[at] = String.fromCharCode(Math.floor(random() * 256));
          else chars.splice(at, 0, ...chars.slice(at, at + Math.floor(random() * 200)));
        }
        text = chars.join('');
      }
      let parsed;
      try {
        parsed = parseZoneFile(text, { file: '/z/fuzz.zone', origin: 'fuzz.example', readFile });
      } catch (error) {
        throw new Error(`file ${n} threw ${(error as Error).stack}\n--- file:\n${text}`);
      }
      for (const problem of [...parsed.errors, ...parsed.warnings]) {
        expect(problem.file.startsWith('/z/'), text).toBe(true);
        expect(problem.line, text).toBeGreaterThanOrEqual(1);
        expect(problem.message.length, text).toBeGreaterThan(0);
      }
      for (const record of parsed.records) expect(record.rdata.length).toBeLessThanOrEqual(65_535);
    }
  }, 120_000);
});

describe('the RDATA printer, fed random and mutated bytes of every type', () => {
  it('prints text that reads back to the same bytes, or the generic form', () => {
    const random = seededRandom(7);
    const types = [...FORMATS.keys()];
    const samples = parseZoneFile(SEEDS.join('\n'), { file: 'seeds', origin: '' }).records;
    // No capital letters: a zone file lowercases the names it reads.
    const lower = (byte: number): number => (byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte);
    let typed = 0;
    for (let n = 0; n < 20_000; n++) {
      let type: number;
      let bytes: Uint8Array;
      if (n % 2 === 0) {
        type = types[n % types.length]!;
        bytes = Uint8Array.from({ length: Math.floor(random() * 48) }, () => Math.floor(random() * (random() < 0.5 ? 8 : 256)));
      } else {
        const sample = samples[Math.floor(random() * samples.length)]!;
        const mutated = [...sample.rdata];
        const at = Math.floor(random() * (mutated.length + 1));
        const roll = random();
        if (roll < 0.3) mutated.splice(at, 1 + Math.floor(random() * 4));
        else if (roll < 0.6) mutated.splice(at, 0, Math.floor(random() * 256));
        else if (roll < 0.9) mutated[at] = Math.floor(random() * 256);
        type = sample.type;
        bytes = Uint8Array.from(mutated);
      }
      bytes = bytes.map(lower);
      const text = rdataToText(type, bytes);
      if (!text.startsWith('\\#')) typed++;
      const again = rdataFromText(type, tokenize(text)[0]?.tokens ?? [], '');
      expect(Buffer.from(again).toString('hex'), `${typeName(type)} ${text}`).toBe(Buffer.from(bytes).toString('hex'));
    }
    // Not a test of the generic form alone: most mutated records still print in their own form.
    expect(typed).toBeGreaterThan(4000);
  });
});
