// Who may query at all (`dns.allow`). A resolver that answers anyone who
// reaches port 53 is an open resolver: a reflector for spoofed-source floods
// (a 30-byte query buys up to 1,232 bytes) and a free recursive service for
// the world, the moment the Pi has a global IPv6 address or a port forward.
// `local` is what dnsmasq's --local-service and Pi-hole's "local requests
// only" allow: loopback plus the subnets of this host's own interfaces,
// re-read as interfaces come and go (DHCP on the Pi's uplink, a VPN started
// later). Everyone else is REFUSED: no recursion and no local data.
import { BlockList } from 'node:net';
import { networkInterfaces } from 'node:os';
import { BoundedMemo } from '../../net/memo.ts';
import { blockListOf, normalizeAddress } from '../views.ts';

export const LOCAL = 'local';

/** The subnets of this host's interfaces, loopback included, as CIDRs. */
export type InterfaceSubnets = () => readonly string[];

export const hostSubnets: InterfaceSubnets = () =>
  Object.values(networkInterfaces()).flatMap((addresses) => (addresses ?? []).flatMap((a) => (a.cidr ? [a.cidr] : [])));

/** Re-read at least this often, so a removed interface stops counting as local. */
const REREAD_MS = 30_000;
/** After a refusal, re-read at most this often: an interface that just came up
 *  is seen at once, and a flood of refusals costs one read a second. */
const REREAD_ON_MISS_MS = 1_000;

export class AllowList {
  private readonly fixed: BlockList;
  private readonly local: boolean;
  private readonly subnets: InterfaceSubnets;
  private readonly now: () => number;
  private interfaces = new BlockList();
  private readAt = Number.NEGATIVE_INFINITY;
  /** Verdicts by address as the socket gives it, until the interfaces are read again. */
  private readonly verdicts = new BoundedMemo<boolean>();

  /** `entries`: CIDRs and `local`; `subnets` and `now` are injectable for tests. */
  constructor(entries: readonly string[], subnets: InterfaceSubnets = hostSubnets, now: () => number = Date.now) {
    this.fixed = blockListOf(entries.filter((entry) => entry !== LOCAL));
    this.local = entries.includes(LOCAL);
    this.subnets = subnets;
    this.now = now;
  }

  allows(address: string): boolean {
    if (this.local && this.now() - this.readAt >= REREAD_MS) this.reread(this.now());
    const allowed = this.verdicts.get(address, (key) => this.check(key));
    if (allowed || !this.local) return allowed;
    // A refusal may be an interface that just came up: look again, at most once a second.
    const now = this.now();
    if (now - this.readAt < REREAD_ON_MISS_MS) return false;
    this.reread(now);
    return this.verdicts.get(address, (key) => this.check(key));
  }

  private check(address: string): boolean {
    const normalized = normalizeAddress(address).split('%')[0]!; // fe80::1%eth0: the zone is not part of the address
    const family = normalized.includes(':') ? 'ipv6' : 'ipv4';
    return this.fixed.check(normalized, family) || (this.local && this.interfaces.check(normalized, family));
  }

  private reread(now: number): void {
    this.readAt = now;
    this.verdicts.clear();
    // Loopback is local even in a namespace whose `lo` is down.
    this.interfaces = blockListOf(['127.0.0.0/8', '::1/128', ...this.subnets()]);
  }
}
