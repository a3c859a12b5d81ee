// Split horizon: the client's source address picks a view (the first whose
// `clients` CIDRs contain it), and each view resolves through its own chain.
// Addresses that match no view use the default view.
import { BlockList } from 'node:net';
import { parseCidr } from '../values/cidr.ts';
import type { Query } from './message.ts';
import type { Chain, Client, Resolved, Resolver } from './pipeline.ts';
import type { ZoneSet } from './zones/zoneset.ts';

export const DEFAULT_VIEW = 'default';

export interface View {
  readonly name: string;
  readonly chain: Chain;
  /** The local zones the view answers from, and where its clients' updates go. */
  readonly zones: ZoneSet;
}

interface SelectableView extends View {
  readonly clients: BlockList;
}

/** `::ffff:192.168.1.5` (an IPv4 client on a dual-stack socket) is 192.168.1.5. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export function blockListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const text of cidrs) {
    const cidr = parseCidr(text);
    if (cidr) list.addSubnet(cidr.address, cidr.prefix, cidr.family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

export class Views implements Resolver {
  private readonly views: readonly SelectableView[];
  private readonly fallback: View;

  constructor(fallback: View, views: readonly (View & { readonly clients: readonly string[] })[]) {
    this.fallback = fallback;
    this.views = views.map((view) => ({ ...view, clients: blockListOf(view.clients) }));
  }

  /** The top-level view, for clients no other view claims. */
  get fallbackView(): View {
    return this.fallback;
  }

  /** The view called `name` (`default` for the top-level one). */
  named(name: string): View | undefined {
    return name === this.fallback.name ? this.fallback : this.views.find((view) => view.name === name);
  }

  select(address: string): View {
    if (this.views.length === 0) return this.fallback;
    const normalized = normalizeAddress(address);
    const family = normalized.includes(':') ? 'ipv6' : 'ipv4';
    return this.views.find((view) => view.clients.check(normalized, family)) ?? this.fallback;
  }

  async resolve(query: Query, client: Client): Promise<Resolved> {
    const view = this.select(client.address);
    return { response: await view.chain.resolveQuery(query, client, view.name), view: view.name };
  }
}
