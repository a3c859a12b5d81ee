// The order of the resolver chain, in one place (CoreDNS's plugin.cfg).
// View selection happens before the chain: each view has its own chain,
// built here from that view's settings.
//   local zones → cloaking → blocking → cache → conditional forward → upstreams
// Later stages slot into this list; the server never changes for them.
import { Chain } from '../pipeline.ts';
import type { CloakingMatcher } from '../cloaking/matcher.ts';
import type { ZoneSet } from '../zones/zoneset.ts';
import { CloakingStage } from './cloaking.ts';
import { refuseStage } from './refuse.ts';
import { ZonesStage } from './zones.ts';

export interface ChainParts {
  readonly zones: ZoneSet;
  readonly cloaking: CloakingMatcher;
  readonly cloakTtl: number;
}

export function buildChain(parts: ChainParts): Chain {
  return new Chain([
    // Names the house owns come first and never leave it.
    new ZonesStage(parts.zones),
    // Rewrites of names the house does not own (dnscrypt-proxy's cloaking).
    new CloakingStage(parts.cloaking, parts.cloakTtl),
    // Nothing answered: refuse until forwarding is configured.
    refuseStage,
  ]);
}
