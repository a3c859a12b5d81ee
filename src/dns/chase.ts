// Following a CNAME to its target through the view's chain, so a target in
// a local zone, a cloaking rule or (later) upstream completes the answer the
// way a recursive resolver would. Shared by local zones and cloaking; a
// CNAME synthesized from a DNAME (RFC 6672 §3.1) is followed the same way.
import { Rcode, type Response, type Source } from './message.ts';
import { MAX_CHASE, type QueryContext } from './pipeline.ts';
import { RRType, type Name, type ResourceRecord } from './record.ts';

/** `before`: records that go ahead of the CNAME in the answer (the DNAME it was synthesized from). */
export async function followCname(
  ctx: QueryContext,
  cname: ResourceRecord,
  target: Name,
  source: Source,
  authoritative: boolean,
  before: readonly ResourceRecord[] = [],
): Promise<Response> {
  const lead = [...before, cname];
  const alone: Response = { rcode: Rcode.NOERROR, authoritative, answer: lead, authority: [], additional: [], source };
  // A question for the CNAME itself (or ANY) is answered by it alone.
  if (ctx.type === RRType.CNAME || ctx.type === RRType.ANY) return alone;
  // A loop or an overlong chain: stop at the first name seen twice (RFC 1034
  // §3.6.2), so no record repeats in the answer (RFC 2181 §5).
  if (target === ctx.name || ctx.chased.includes(target) || ctx.chased.length >= MAX_CHASE) return alone;
  const rest = await ctx.resolve(target, ctx.type);
  if (rest.rcode === Rcode.REFUSED && rest.answer.length === 0) return alone;
  // RFC 1034 §4.3.2: following the CNAME restarts the lookup, so what the
  // target's answer carries in authority (a referral's NS, a negative
  // answer's SOA) stays, however many CNAMEs lead to it. A DNAME met twice
  // on the way is written once (RFC 2181 §5).
  const more = rest.answer.filter((record) => !lead.some((led) => sameRecord(led, record)));
  return {
    // RFC 6604 §3: the RCODE is the one for the last name in the chain.
    rcode: rest.rcode,
    authoritative,
    answer: [...lead, ...more],
    authority: rest.authority,
    additional: rest.additional,
    ednsOptions: rest.ednsOptions,
    source,
  };
}

function sameRecord(a: ResourceRecord, b: ResourceRecord): boolean {
  return a.name === b.name && a.type === b.type && Buffer.compare(a.rdata, b.rdata) === 0;
}
