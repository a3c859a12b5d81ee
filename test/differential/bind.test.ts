// The same zone files served by BIND named and by hearth side by side on
// loopback, asked the same questions, and the answers compared: RCODE, AA,
// the answer records, the types in authority and the glue. Where BIND's
// choice is not an RFC rule, hearth keeps its own and the list below says why.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RRType, type ResourceRecord } from '../../src/dns/record.ts';
import { typeName } from '../../src/dns/zones/rr-types.ts';
import { describeWith, startHearth, type Running } from '../integration/harness.ts';
import type { ServerProcess } from '../upstreams/process.ts';
import { ask, type Reply } from './client.ts';
import { startNamed } from './named.ts';
import { questionsFor, type Question } from './questions.ts';

const ZONES = resolve(import.meta.dirname, 'zones');
const ORIGINS = readdirSync(ZONES).filter((file) => file.endsWith('.zone')).map((file) => file.slice(0, -'.zone'.length));

type Summary = Record<'rcode' | 'aa' | 'answer' | 'authority' | 'glue', string>;

/** Where BIND's choice is not an RFC rule, and hearth keeps its own. Not compared at all: ANY (RFC 8482 lets
 *  hearth answer with one RRset, named gives all), and CNAME targets in another zone or outside every zone
 *  (named, an authority only, stops; hearth, its clients' resolver, follows them: no such target is in these files). */
const KNOWN: ReadonlyArray<{ readonly why: string; readonly applies: (q: Question, named: Summary, hearth: Summary, fields: string[]) => boolean }> = [
  {
    // RFC 1034 §3.6.2 asks for loops to be caught, not for an error: hearth stops at the first
    // name seen twice and answers with the chain so far, NOERROR, as it does for any CNAME chain.
    why: 'a CNAME loop (*.cnx.wild.example points back into itself): named SERVFAIL, hearth the chain up to the repeat',
    applies: (q, named, hearth, fields) => q.name.endsWith('cnx.wild.example') && named.rcode === '2' && hearth.rcode === '0' && fields.includes('rcode'),
  },
  {
    // Additional-section data outside a referral is optional (RFC 1034 §4.3.2 step 6: "may be useful");
    // hearth adds addresses only where a resolver needs them, to a referral.
    why: 'an apex NS answer: named adds the in-zone addresses of the name servers, hearth adds none',
    applies: (q, _named, hearth, fields) => q.type === RRType.NS && fields.length === 1 && fields[0] === 'glue' && hearth.glue === '',
  },
];

/** What a comparison looks at, as text. */
function summary(reply: Reply): Summary {
  const record = (r: ResourceRecord): string => `${r.name} ${r.ttl} ${typeName(r.type)} ${Buffer.from(r.rdata).toString('hex')}`;
  return {
    rcode: String(reply.rcode),
    aa: String(reply.authoritative),
    answer: reply.answer.map(record).sort().join('\n'),
    authority: reply.authority.map((r) => `${r.name} ${typeName(r.type)}`).sort().join('\n'),
    glue: reply.additional.map(record).sort().join('\n'),
  };
}

/** Runs `work` over `items`, `width` at a time. */
async function pooled<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) { const at = next++; out[at] = await work(items[at]!); }
  }));
  return out;
}

describeWith(['named'])('zone files served by BIND named and by hearth', () => {
  let named: ServerProcess & { port: number };
  let hearth: Running;

  beforeAll(async () => {
    named = await startNamed(ZONES, ORIGINS);
    hearth = await startHearth(`dns:\n  listen: ["127.0.0.1:PORT"]\n  zones_dir: ${ZONES}\n  upstreams: { servers: ["udp://127.0.0.1:9"], timeout_ms: 200 }\n`);
  }, 60_000);

  afterAll(async () => {
    await named?.stop();
    await hearth?.stop();
  });

  it('skips the stray out-of-zone record with a warning, as named does, and serves the zone', () => {
    expect(named.output()).toContain('ignoring out-of-zone data (stray.other)');
    expect(hearth.output()).toContain('files.example.zone:16: ignoring out-of-zone data (stray.other)');
  });

  it('loads every zone file named loads, and answers every question the same', async () => {
    const questions: Question[] = ORIGINS.flatMap((origin) => questionsFor(ZONES, origin));
    const unexplained: string[] = [];
    const explained = new Map<string, number>();
    await pooled(questions, 16, async (question) => {
      const [bind, ours] = await Promise.all([ask(named.port, question.name, question.type), ask(hearth.port, question.name, question.type)]);
      const [b, h] = [summary(bind), summary(ours)];
      const fields = (Object.keys(b) as (keyof Summary)[]).filter((key) => b[key] !== h[key]);
      if (fields.length === 0) return;
      const known = KNOWN.find((k) => k.applies(question, b, h, fields));
      if (known) explained.set(known.why, (explained.get(known.why) ?? 0) + 1);
      else unexplained.push(`${question.name} ${typeName(question.type)}: ${fields.map((key) => `${key}\n  named:  ${b[key]}\n  hearth: ${h[key]}`).join('\n ')}`);
    });
    console.log(`${questions.length} questions over ${ORIGINS.length} zones: ${unexplained.length} answered differently,`
      + ` ${[...explained.values()].reduce((a, b) => a + b, 0)} differ where BIND's choice is not an RFC rule:`);
    for (const [why, count] of explained) console.log(`  ${count} × ${why}`);
    expect(unexplained.sort().slice(0, 20)).toEqual([]);
  }, 120_000);
});
