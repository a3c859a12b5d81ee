// Following a CNAME to its target through the view's chain, so a target in
// a local zone, a cloaking rule or (later) upstream completes the answer the
// way a recursive resolver would. Shared by local zones and cloaking.
import { Rcode, type Response, type Source } from './message.ts';
import { MAX_CHASE, type QueryContext } from './pipeline.ts';
import { RRType, type Name, type ResourceRecord } from './record.ts';

export async function followCname(
  ctx: QueryContext, cname: ResourceRecord, target: Name, source: Source, authoritative: boolean,
): Promise<Response> {
  const alone: Response = { rcode: Rcode.NOERROR, authoritative, answer: [cname], authority: [], additional: [], source };
  // A question for the CNAME itself (or ANY) is answered by it alone.
  if (ctx.type === RRType.CNAME || ctx.type === RRType.ANY) return alone;
  // A loop or an overlong chain: stop at the first name seen twice (RFC 1034
  // §3.6.2), so no record repeats in the answer (RFC 2181 §5).
  if (target === ctx.name || ctx.chased.includes(target) || ctx.chased.length >= MAX_CHASE) return alone;
  const rest = await ctx.resolve(target, ctx.type);
  if (rest.rcode === Rcode.REFUSED && rest.answer.length === 0) return alone;
  return {
    // RFC 6604 §3: the RCODE is the one for the last name in the chain.
    rcode: rest.rcode,
    authoritative,
    answer: [cname, ...rest.answer],
    authority: rest.answer.length > 0 && rest.rcode === Rcode.NOERROR ? [] : rest.authority,
    additional: rest.additional,
    ednsOptions: rest.ednsOptions,
    source,
  };
}
