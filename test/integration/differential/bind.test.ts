// The same zone files served by BIND named and by hearth side by side on
// loopback, asked the same questions, and the answers compared: RCODE, AA,
// the answer records, the owners, TTLs and types in authority, and the glue. Where BIND's
// choice is not an RFC rule, hearth keeps its own and the list below says why.
import { execFile } from 'node:child_process';
import { cpSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RRType, type ResourceRecord } from '../../../src/dns/record.ts';
import { typeName } from '../../../src/dns/zones/rr-types.ts';
import { describeWith, startHearth, tempDir, type Running } from '../harness.ts';
import type { ServerProcess } from '../../upstreams/process.ts';
import { ask, type Reply } from './client.ts';
import { startNamed, type UpdateKey } from './named.ts';
import { BELOW, questionsFor, type Question } from './questions.ts';

const SOURCE = resolve(import.meta.dirname, 'zones');
const ORIGINS = readdirSync(SOURCE)
  .filter((file) => file.endsWith('.zone'))
  .map((file) => file.slice(0, -'.zone'.length));
const KEY: UpdateKey = { name: 'ddns-key', secret: Buffer.from('a key shared by both servers, 32b').toString('base64'), origin: 'dname.example' };

/** RFC 2136 updates of DNAMEs: a new one, one replacing another, one removed, and data below a DNAME. */
const DNAME_UPDATE = [
  'update add moved.dname.example 300 DNAME new.dname.example.',
  'update add old.dname.example 300 DNAME y.new.dname.example.',
  'update delete todeleg.dname.example DNAME',
  'update add stay.moved.dname.example 300 A 192.0.2.77',
];
const UPDATED_NAMES = ['moved', 'x.moved', 'stay.moved', 'old', 'a.old', 'todeleg', 'a.todeleg'].map((name) => `${name}.dname.example`);

function nsupdate(port: number, commands: readonly string[]): Promise<string> {
  const script = [`server 127.0.0.1 ${port}`, `zone ${KEY.origin}`, ...commands, 'send', ''].join('\n');
  return new Promise((done, fail) => {
    const child = execFile('nsupdate', ['-t', '5', '-y', `hmac-sha256:${KEY.name}:${KEY.secret}`], (error, stdout, stderr) => {
      if (error) fail(new Error(`nsupdate to ${port}: ${stdout}${stderr}`));
      else done(stdout);
    });
    child.stdin!.end(script);
  });
}

type Summary = Record<'rcode' | 'aa' | 'answer' | 'authority' | 'glue', string>;

/** Where BIND's choice is not an RFC rule, and hearth keeps its own. Not compared at all: ANY (RFC 8482 lets
 *  hearth answer with one RRset, named gives all), and CNAME targets in another zone or outside every zone
 *  (named, an authority only, stops; hearth, its clients' resolver, follows them: no such target is in these files). */
const KNOWN: ReadonlyArray<{ readonly why: string; readonly applies: (q: Question, named: Summary, hearth: Summary, fields: string[]) => boolean }> = [
  {
    // RFC 1034 §3.6.2 asks for loops to be caught, not for an error: hearth stops at the first name seen twice,
    // or after MAX_CHASE links of a chain that grows without end (self.dname.example's DNAME points below
    // itself), and answers with the chain so far, NOERROR, as for any chain it follows.
    why: 'a CNAME or DNAME chain that loops or never ends: named SERVFAIL, hearth the chain up to the repeat or its length limit',
    applies: (_q, named, hearth) => named.rcode === '2' && hearth.rcode === '0' && hearth.answer.split('\n').every((line) => / (CNAME|DNAME) /.test(line)),
  },
  {
    // RFC 2308 §3: the SOA of a negative answer has the lesser of its TTL and MINIMUM, whatever was asked.
    why: 'a negative answer to an SOA question: named gives the SOA in authority a TTL of 0, hearth the RFC 2308 negative TTL',
    applies: (q, named, hearth, fields) =>
      q.type === RRType.SOA && fields.length === 1 && fields[0] === 'authority' && hearth.authority.replace(/ \d+ SOA$/, ' 0 SOA') === named.authority,
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
    authority: reply.authority
      .map((r) => `${r.name} ${r.ttl} ${typeName(r.type)}`)
      .sort()
      .join('\n'),
    glue: reply.additional.map(record).sort().join('\n'),
  };
}

/** Runs `work` over `items`, `width` at a time. */
async function pooled<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const at = next++;
        out[at] = await work(items[at]!);
      }
    }),
  );
  return out;
}

describeWith(['named', 'nsupdate'])('zone files served by BIND named and by hearth', () => {
  let named: ServerProcess & { port: number };
  let hearth: Running;
  // A copy: named writes its update journal beside the zone file.
  const zones = join(tempDir(), 'zones');

  beforeAll(async () => {
    cpSync(SOURCE, zones, { recursive: true });
    named = await startNamed(zones, ORIGINS, KEY);
    hearth = await startHearth(`dns:
  listen: ["127.0.0.1:PORT"]
  zones_dir: ${zones}
  upstreams: { servers: ["udp://127.0.0.1:9"], timeout_ms: 200 }
dns_update:
  keys: [{ name: ${KEY.name}, algorithm: hmac-sha256, secret: "${KEY.secret}", zones: [${KEY.origin}] }]
`);
  }, 60_000);

  /** Asks both servers every question; the differences no KNOWN entry explains, and how many each one explained. */
  async function compare(questions: readonly Question[]): Promise<{ unexplained: string[]; explained: Map<string, number> }> {
    const unexplained: string[] = [];
    const explained = new Map<string, number>();
    await pooled(questions, 16, async (question) => {
      const [bind, ours] = await Promise.all([ask(named.port, question.name, question.type), ask(hearth.port, question.name, question.type)]);
      const [b, h] = [summary(bind), summary(ours)];
      const fields = (Object.keys(b) as (keyof Summary)[]).filter((key) => b[key] !== h[key]);
      if (fields.length === 0) return;
      const known = KNOWN.find((k) => k.applies(question, b, h, fields));
      if (known) explained.set(known.why, (explained.get(known.why) ?? 0) + 1);
      else
        unexplained.push(`${question.name} ${typeName(question.type)}: ${fields.map((key) => `${key}\n  named:  ${b[key]}\n  hearth: ${h[key]}`).join('\n ')}`);
    });
    return { unexplained: unexplained.sort(), explained };
  }

  afterAll(async () => {
    await named?.stop();
    await hearth?.stop();
  });

  it('skips the stray out-of-zone record with a warning, as named does, and serves the zone', () => {
    expect(named.output()).toContain('ignoring out-of-zone data (stray.other)');
    expect(hearth.output()).toContain('files.example.zone:16: ignoring out-of-zone data (stray.other)');
  });

  it('loads every zone file named loads, and answers every question the same', async () => {
    const questions: Question[] = ORIGINS.flatMap((origin) => questionsFor(zones, origin));
    const { unexplained, explained } = await compare(questions);
    console.log(
      `${questions.length} questions over ${ORIGINS.length} zones: ${unexplained.length} answered differently,` +
        ` ${[...explained.values()].reduce((a, b) => a + b, 0)} differ where BIND's choice is not an RFC rule:`,
    );
    for (const [why, count] of explained) console.log(`  ${count} × ${why}`);
    expect(unexplained.slice(0, 20)).toEqual([]);
  }, 120_000);

  it('takes the same RFC 2136 update of DNAMEs as named, and then answers the same', async () => {
    await nsupdate(named.port, DNAME_UPDATE);
    await nsupdate(hearth.port, DNAME_UPDATE);
    expect((await ask(hearth.port, 'x.moved.dname.example', RRType.A)).answer[0]).toMatchObject({ name: 'moved.dname.example', type: RRType.DNAME });
    const questions = [...questionsFor(zones, KEY.origin), ...UPDATED_NAMES.flatMap((name) => BELOW.map((type) => ({ name, type })))];
    const { unexplained } = await compare(questions);
    expect(unexplained.slice(0, 20)).toEqual([]);
  }, 60_000);
});
