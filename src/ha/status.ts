// GET /ha: this node's view of the pair, as the API shows it.
import type { HaConfig } from './config.ts';
import type { Election } from './election.ts';
import type { CheckState } from './health.ts';
import type { AdvertInbox } from './inbox.ts';
import type { HaState } from './role.ts';

export interface TransitionRecord {
  /** ISO 8601 */
  readonly at: string;
  readonly from: HaState;
  readonly to: HaState;
  readonly reason: string;
}

export interface PairStatus {
  readonly enabled: true;
  readonly node_id: string;
  readonly state: HaState;
  readonly priority: { readonly configured: number; readonly effective: number };
  /** Why this node should not be master now (a failing check), or null. */
  readonly impaired: string | null;
  readonly demoted: boolean;
  readonly vip: { readonly address: string; readonly held: boolean };
  readonly peers: {
    readonly address: string;
    readonly node_id: string;
    readonly state: 'backup' | 'master';
    readonly priority: number;
    readonly impaired: boolean;
    readonly age_ms: number;
  }[];
  readonly transitions: TransitionRecord[];
  readonly adverts: {
    readonly sent: number;
    readonly received: number;
    readonly rejected: Record<string, number>;
    readonly last_rejection: { readonly reason: string; readonly from: string; readonly age_ms: number } | null;
  };
  readonly health: Record<string, { readonly failing: number; readonly passing: number; readonly last: string }>;
}

export interface StatusSources {
  readonly config: HaConfig;
  readonly election: Election;
  readonly vip: string;
  readonly vipHeld: boolean;
  readonly history: readonly TransitionRecord[];
  readonly inbox: AdvertInbox;
  readonly sent: number;
  readonly health: ReadonlyMap<string, CheckState>;
}

export function pairStatus(from: StatusSources): PairStatus {
  const now = performance.now();
  const wall = Date.now();
  const { election, inbox } = from;
  return {
    enabled: true,
    node_id: from.config.node_id,
    state: election.state,
    priority: { configured: from.config.priority, effective: election.effectivePriority },
    impaired: election.impairment ?? null,
    demoted: election.isDemoted,
    vip: { address: from.vip, held: from.vipHeld },
    peers: election.peerViews.map(({ address, advert, at }) => ({
      address,
      node_id: advert.nodeId,
      state: advert.state,
      priority: advert.priority,
      impaired: advert.impaired,
      age_ms: Math.round(now - at),
    })),
    transitions: [...from.history].reverse(),
    adverts: {
      sent: from.sent,
      received: inbox.received,
      rejected: Object.fromEntries(inbox.rejected),
      last_rejection: inbox.last ? { reason: inbox.last.reason, from: inbox.last.from, age_ms: wall - inbox.last.at } : null,
    },
    health: Object.fromEntries(from.health),
  };
}
