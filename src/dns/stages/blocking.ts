// Blocking: a name on a blocklist (and not allowed) gets the configured
// blocked answer, with an Extended DNS Error saying so (RFC 8914 §4.16,
// code 15 "Blocked"). An upstream answer whose CNAME chain passes through a
// blocked name is blocked too: trackers hide behind first-party CNAMEs.
import { isIPv4 } from 'node:net';
import { AnswerMemo } from '../answer-memo.ts';
import type { BlocklistRef } from '../blocklist/blocklists.ts';
import type { Decision, DomainSet } from '../blocklist/matcher.ts';
import { Rcode, type BlockAttribution, type Response } from '../message.ts';
import { nameFromWire } from '../name.ts';
import type { Next, QueryContext, Stage } from '../pipeline.ts';
import { RRClass, RRType, type Name, type ResourceRecord } from '../record.ts';
import { ipv4Bytes, ipv6Bytes } from '../../net/address.ts';

export type BlockingMode = 'nxdomain' | 'null_ip' | 'refused' | 'custom_ip';

/** AdGuard Home's blocked_response_ttl: short, so unblocking shows quickly. */
const BLOCKED_TTL = 10;
const EDE_OPTION = 15;
const EDE_BLOCKED = 15;

export class BlockingStage implements Stage {
  private readonly lists: BlocklistRef;
  private readonly mode: BlockingMode;
  private readonly ipv4: readonly Uint8Array[];
  private readonly ipv6: readonly Uint8Array[];
  private memo = new AnswerMemo();
  /** The set the memo's answers came from: a rebuilt set starts a new memo. */
  private memoFor: DomainSet | undefined;

  constructor(lists: BlocklistRef, mode: BlockingMode, customIp: readonly string[]) {
    this.lists = lists;
    this.mode = mode;
    const custom = mode === 'custom_ip' ? customIp : ['0.0.0.0', '::'];
    this.ipv4 = custom.filter((ip) => isIPv4(ip)).map((ip) => ipv4Bytes(ip)!);
    this.ipv6 = custom.filter((ip) => !isIPv4(ip)).map((ip) => ipv6Bytes(ip)!);
  }

  async handle(ctx: QueryContext, next: Next): Promise<Response> {
    const set = this.lists.set;
    if (!set) return next();
    if (set !== this.memoFor) {
      this.memo = new AnswerMemo();
      this.memoFor = set;
    }
    const decision = set.decide(ctx.name);
    if (decision.verdict === 'blocked') return this.blocked(ctx, decision);
    const response = await next();
    if (decision.verdict === 'allowed') return response;
    for (const record of response.answer) {
      if (record.type !== RRType.CNAME) continue;
      const target = set.decide(nameFromWire(record.rdata).name);
      if (target.verdict === 'blocked') return this.blocked(ctx, target);
    }
    return response;
  }

  private blocked(ctx: QueryContext, decision: Exclude<Decision, { verdict: 'none' }>): Response {
    const ready = this.memo.get(ctx.name, ctx.type);
    if (ready) return ready;
    const blockedBy: BlockAttribution = { list: this.lists.sources[decision.list] ?? '?', line: decision.line, rule: decision.rule };
    // Every client reads this text: the list goes by its number in the
    // config (the first is 1), never its path or URL, which may hold a
    // private list's key. The query log and the API name it in full.
    const text = new TextEncoder().encode(`blocked by list ${decision.list + 1}, line ${blockedBy.line} (${blockedBy.rule})`);
    const ede = { code: EDE_OPTION, data: Uint8Array.of(0, EDE_BLOCKED, ...text) };
    const response: Response = {
      rcode: this.mode === 'nxdomain' ? Rcode.NXDOMAIN : this.mode === 'refused' ? Rcode.REFUSED : Rcode.NOERROR,
      authoritative: false,
      answer: this.mode === 'null_ip' || this.mode === 'custom_ip' ? this.addresses(ctx.name, ctx.type) : [],
      authority: [],
      additional: [],
      ednsOptions: [ede],
      blockedBy,
      source: 'blocked',
    };
    return this.memo.set(ctx.name, ctx.type, response);
  }

  /** null_ip / custom_ip: the configured addresses for A and AAAA, nothing for other types. */
  private addresses(name: Name, type: number): ResourceRecord[] {
    const rdata = type === RRType.A ? this.ipv4 : type === RRType.AAAA ? this.ipv6 : [];
    return rdata.map((bytes) => ({ name, type, class: RRClass.IN, ttl: BLOCKED_TTL, rdata: bytes }));
  }
}
