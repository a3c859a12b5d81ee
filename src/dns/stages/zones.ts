// Local zones: authoritative answers (AA set) for every name inside a zone
// this view serves; names outside all of them go to the next stage.
import { AnswerMemo } from '../answer-memo.ts';
import { followCname } from '../chase.ts';
import { emptyResponse, Rcode, type Response } from '../message.ts';
import type { QueryContext, Next, Stage } from '../pipeline.ts';
import type { Lookup, Zone } from '../zones/zone.ts';
import type { ZoneSet } from '../zones/zoneset.ts';

export class ZonesStage implements Stage {
  private readonly zones: ZoneSet;
  /** Per version of a zone: an update swaps the Zone, and its answers with it. */
  private readonly memos = new WeakMap<Zone, AnswerMemo>();

  constructor(zones: ZoneSet) {
    this.zones = zones;
  }

  handle(ctx: QueryContext, next: Next): Promise<Response> {
    const zone = this.zones.find(ctx.name);
    if (!zone) return next();
    let memo = this.memos.get(zone);
    if (!memo) this.memos.set(zone, (memo = new AnswerMemo()));
    const ready = memo.get(ctx.name, ctx.type);
    if (ready) return Promise.resolve(ready);
    const lookup = zone.lookup(ctx.name, ctx.type);
    if (lookup.kind === 'cname') return followCname(ctx, lookup.record, lookup.target, 'zone', true);
    if (lookup.kind === 'dname') return followCname(ctx, lookup.cname, lookup.target, 'zone', true, [lookup.dname]);
    return Promise.resolve(memo.set(ctx.name, ctx.type, toResponse(zone, lookup)));
  }
}

function toResponse(zone: Zone, lookup: Exclude<Lookup, { kind: 'cname' | 'dname' }>): Response {
  switch (lookup.kind) {
    case 'yxdomain':
      return { ...emptyResponse(Rcode.YXDOMAIN, 'zone', true), answer: [lookup.dname] };
    case 'answer':
      return { rcode: Rcode.NOERROR, authoritative: true, answer: lookup.records, authority: [], additional: [], source: 'zone' };
    // RFC 2308 §2.1 and §2.2: negative answers carry the SOA for caching.
    case 'nodata':
      return { ...emptyResponse(Rcode.NOERROR, 'zone', true), authority: [zone.negativeSoa()] };
    case 'nxdomain':
      return { ...emptyResponse(Rcode.NXDOMAIN, 'zone', true), authority: [zone.negativeSoa()] };
    // RFC 1034 §4.3.2 step 3b: a referral is not authoritative.
    case 'referral':
      return { rcode: Rcode.NOERROR, authoritative: false, answer: [], authority: lookup.ns, additional: lookup.glue, source: 'zone' };
  }
}
