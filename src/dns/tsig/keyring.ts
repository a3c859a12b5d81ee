// The keys hearth accepts UPDATEs from, and the zones each may change
// (dns_update.keys): what the UPDATE handler asks before it applies anything.
import type { Name } from '../record.ts';
import type { TsigKey } from './key.ts';

export interface GrantedKey {
  readonly key: TsigKey;
  /** Zone apexes this key may change; a zone below one is not included. */
  readonly zones: readonly Name[];
}

export class TsigKeyring {
  private readonly grants = new Map<Name, GrantedKey>();

  constructor(grants: readonly GrantedKey[]) {
    for (const grant of grants) this.grants.set(grant.key.name, grant);
  }

  get keys(): readonly GrantedKey[] {
    return [...this.grants.values()];
  }

  findKey(name: Name): TsigKey | undefined {
    return this.grants.get(name)?.key;
  }

  mayUpdate(key: TsigKey, zone: Name): boolean {
    return this.grants.get(key.name)?.zones.includes(zone) ?? false;
  }
}
