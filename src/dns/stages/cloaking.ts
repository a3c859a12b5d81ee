// Cloaking (dnscrypt-proxy's cloaking rules, AdGuard Home's rewrites): a name
// that matches a rule answers from the rule alone. A type the rule has no
// data for gets an empty NOERROR, so a cloaked name never leaks upstream.
import { AnswerMemo } from '../answer-memo.ts';
import { followCname } from '../chase.ts';
import type { CloakingMatcher } from '../cloaking/matcher.ts';
import type { CloakTarget } from '../cloaking/rules.ts';
import { Rcode, type Response } from '../message.ts';
import { nameToWire } from '../name.ts';
import type { Next, QueryContext, Stage } from '../pipeline.ts';
import { RRClass, RRType, type Name, type ResourceRecord } from '../record.ts';
import { ipv4Bytes, ipv6Bytes } from '../../net/address.ts';

export class CloakingStage implements Stage {
  private readonly matcher: CloakingMatcher;
  private readonly ttl: number;
  private readonly memo = new AnswerMemo();

  constructor(matcher: CloakingMatcher, ttl: number) {
    this.matcher = matcher;
    this.ttl = ttl;
  }

  handle(ctx: QueryContext, next: Next): Promise<Response> {
    const ready = this.memo.get(ctx.name, ctx.type);
    if (ready) return Promise.resolve(ready);
    const rule = this.matcher.match(ctx.name);
    if (!rule) return next();
    const target = rule.target;
    if (target.kind === 'cname') {
      const cname = this.record(ctx.name, RRType.CNAME, nameToWire(target.name));
      return followCname(ctx, cname, target.name, 'cloak', false);
    }
    return Promise.resolve(this.memo.set(ctx.name, ctx.type, this.addresses(ctx.name, ctx.type, target)));
  }

  private addresses(name: Name, type: number, target: Extract<CloakTarget, { kind: 'addresses' }>): Response {
    const wantsA = type === RRType.A || type === RRType.ANY;
    const wantsAAAA = type === RRType.AAAA || type === RRType.ANY;
    const answer = [
      ...(wantsA ? target.ipv4.map((ip) => this.record(name, RRType.A, ipv4Bytes(ip)!)) : []),
      ...(wantsAAAA ? target.ipv6.map((ip) => this.record(name, RRType.AAAA, ipv6Bytes(ip)!)) : []),
    ];
    return { rcode: Rcode.NOERROR, authoritative: false, answer, authority: [], additional: [], source: 'cloak' };
  }

  private record(name: Name, type: number, rdata: Uint8Array): ResourceRecord {
    return { name, type, class: RRClass.IN, ttl: this.ttl, rdata };
  }
}
