// Finds the cloaking rule that answers a name. The most specific rule wins, so
// a broad wildcard never shadows a rule written for one host (what AdGuard Home
// users complain about): an exact name, then the longest matching domain, then
// the longest prefix, the longest substring, the glob with the most literal
// characters. Exact and domain rules are map lookups, the rest a scan that
// costs nothing when no such rule exists.
import { parentOf } from '../name.ts';
import type { Name } from '../record.ts';
import { compileGlob } from './glob.ts';
import { mergeCloakRules, type CloakRule } from './rules.ts';

/** A prefix, substring or glob rule with its test and its rank among them. */
interface ScannedRule {
  readonly rule: CloakRule;
  readonly test: (name: Name) => boolean;
  /** Prefix before substring before glob. */
  readonly tier: number;
  /** Within a tier, more literal characters is more specific. */
  readonly weight: number;
}

export class CloakingMatcher {
  private readonly exact = new Map<Name, CloakRule>();
  /** Domain rules by the domain; a name looks up itself and each parent. */
  private readonly suffix = new Map<Name, CloakRule>();
  /** Best first, so the first rule that matches wins. */
  private readonly scanned: readonly ScannedRule[];

  /**
   * Takes the rules of every source, in order. Rules with the same kind and
   * pattern merge (a domain cloaked in two files gets the addresses of both);
   * of conflicting ones the first is kept (mergeCloakRules reports the rest).
   */
  constructor(rules: readonly CloakRule[]) {
    const scanned: ScannedRule[] = [];
    for (const rule of mergeCloakRules(rules).rules) {
      const { kind, pattern } = rule;
      if (kind === 'exact') this.exact.set(pattern, rule);
      else if (kind === 'suffix') this.suffix.set(pattern, rule);
      else if (kind === 'prefix') {
        scanned.push({ rule, tier: 0, weight: pattern.length, test: (name) => name.startsWith(pattern) });
      } else if (kind === 'substring') {
        scanned.push({ rule, tier: 1, weight: pattern.length, test: (name) => name.includes(pattern) });
      } else {
        const { test, literals } = compileGlob(pattern);
        scanned.push({ rule, tier: 2, weight: literals, test });
      }
    }
    // Array.prototype.sort is stable: equal ranks keep file order.
    this.scanned = scanned.sort((a, b) => a.tier - b.tier || b.weight - a.weight);
  }

  /** The winning rule for a canonical name, or undefined when none matches. */
  match(name: Name): CloakRule | undefined {
    const exact = this.exact.get(name);
    if (exact) return exact;
    if (this.suffix.size > 0) {
      for (let at: Name | undefined = name; at !== undefined && at !== ''; at = parentOf(at)) {
        const rule = this.suffix.get(at);
        if (rule) return rule;
      }
    }
    return this.scanned.find((entry) => entry.test(name))?.rule;
  }
}
