// The order of the resolver chain, in one place (CoreDNS's plugin.cfg).
// View selection happens before the chain: each view has its own chain,
// built here from that view's settings.
//   local zones → cloaking → blocking → cache → conditional forward → upstreams
// Later stages slot into this list; the server never changes for them.
import { Chain, type Stage } from '../pipeline.ts';
import type { CloakingMatcher } from '../cloaking/matcher.ts';
import type { Name } from '../record.ts';
import type { InFlightLimit } from '../upstream/in-flight.ts';
import type { UpstreamPool } from '../upstream/pool.ts';
import type { ZoneSet } from '../zones/zoneset.ts';
import type { AnswerCache } from '../cache/cache.ts';
import type { BlocklistRef } from '../blocklist/blocklists.ts';
import { BlockingStage, type BlockingMode } from './blocking.ts';
import { CacheStage } from './cache.ts';
import { CloakingStage } from './cloaking.ts';
import { ConditionalForwardStage, UpstreamStage } from './forward.ts';
import { refuseStage } from './refuse.ts';
import { ZonesStage } from './zones.ts';

export interface ChainParts {
  readonly zones: ZoneSet;
  readonly cloaking: CloakingMatcher;
  readonly cloakTtl: number;
  readonly blocking: { readonly lists: BlocklistRef; readonly mode: BlockingMode; readonly customIp: readonly string[] };
  /** Conditional forwarding: domain → its servers. */
  readonly forwardRoutes: ReadonlyMap<Name, UpstreamPool>;
  /** The view's upstreams; without any, names nothing else answers are refused. */
  readonly upstreams: UpstreamPool | undefined;
  /** Shared by every view: queries waiting for any upstream (dns.max_in_flight). */
  readonly inFlight: InFlightLimit;
  /** Answers from upstreams, kept across reloads; none when caching is off. */
  readonly cache: AnswerCache | undefined;
}

export function buildChain(parts: ChainParts): Chain {
  const stages: Stage[] = [
    // Names the house owns come first and never leave it.
    new ZonesStage(parts.zones),
    // Rewrites of names the house does not own (dnscrypt-proxy's cloaking).
    new CloakingStage(parts.cloaking, parts.cloakTtl),
    // Ads, trackers, malware: before the cache, so a list change shows at once,
    // and around it, so CNAME chains from upstream are checked too.
    new BlockingStage(parts.blocking.lists, parts.blocking.mode, parts.blocking.customIp),
    // Upstream answers seen before, and stale ones when the uplink is down.
    ...(parts.cache ? [new CacheStage(parts.cache)] : []),
    // Domains with their own servers (the router's reverse zone, a VPN's domain).
    new ConditionalForwardStage(parts.forwardRoutes, parts.inFlight),
    // Everything else goes upstream, or is refused when there is no upstream.
    parts.upstreams ? new UpstreamStage(parts.upstreams, parts.inFlight) : refuseStage,
  ];
  return new Chain(stages);
}
