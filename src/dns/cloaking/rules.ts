// Cloaking rules in dnscrypt-proxy's cloaking-rules format: one
// `pattern value` per line, where the value is an address (A/AAAA) or a name
// to answer with as a CNAME. Parsing reports bad lines and keeps going, so one
// typo never disables the rest of a file.
import { isIPv4, isIPv6 } from 'node:net';
import type { SourceError } from '../../diagnostics/source-error.ts';
import { NameError, parseName } from '../name.ts';
import { compileGlob, GlobError } from './glob.ts';
import type { Name } from '../record.ts';

export type CloakTarget =
  { readonly kind: 'addresses'; readonly ipv4: readonly string[]; readonly ipv6: readonly string[] } | { readonly kind: 'cname'; readonly name: Name };

export type PatternKind = 'exact' | 'suffix' | 'prefix' | 'substring' | 'glob';

export interface CloakRule {
  /** Normalized, without what `kind` already says: `=a.lan`, `*.a.lan` and
   *  `.a.lan` become "a.lan", `ads*` "ads", `*ad*` "ad"; globs stay whole. */
  readonly pattern: string;
  readonly kind: PatternKind;
  readonly target: CloakTarget;
  /** Where the rule was first written (merged rules keep the first line). */
  readonly source: { readonly file: string; readonly line: number };
}

type Pattern = { kind: PatternKind; pattern: string };

export function parseCloakingRules(text: string, file: string): { rules: CloakRule[]; errors: SourceError[] } {
  const lines: CloakRule[] = [];
  const errors: SourceError[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const fail = (message: string) => {
      errors.push({ file, line, message });
    };
    // dnscrypt-proxy only starts a comment at "#" on its own or after a blank.
    const [token, value, extra] = raw
      .replace(/(^|\s)#.*$/, '')
      .trim()
      .split(/\s+/);
    if (!token) return;
    if (value === undefined) return fail(`"${token}" has no value`);
    if (extra !== undefined) return fail(`unexpected "${extra}" after "${value}" (one value per line; repeat the pattern for more addresses)`);
    const pattern = parsePattern(token);
    if (typeof pattern === 'string') return fail(pattern);
    const target = parseTarget(value);
    if (typeof target === 'string') return fail(target);
    lines.push({ ...pattern, target, source: { file, line } });
  });
  const merged = mergeCloakRules(lines);
  // Conflicts come out of the merge; report everything in line order.
  return { rules: merged.rules, errors: [...errors, ...merged.errors].sort((a, b) => a.line - b.line) };
}

/**
 * One rule per kind+pattern, in first-seen order: addresses written on
 * several lines or in several files accumulate. A name after addresses (or
 * the reverse), or a second name, is an error at the later rule; the first wins.
 */
export function mergeCloakRules(rules: readonly CloakRule[]): { rules: CloakRule[]; errors: SourceError[] } {
  const merged = new Map<string, CloakRule>();
  const errors: SourceError[] = [];
  for (const rule of rules) {
    const key = `${rule.kind} ${rule.pattern}`;
    const first = merged.get(key);
    const [a, b] = [first?.target, rule.target];
    if (!first || !a) merged.set(key, rule);
    else if (a.kind === 'addresses' && b.kind === 'addresses') {
      merged.set(key, { ...first, target: { kind: 'addresses', ipv4: union(a.ipv4, b.ipv4), ipv6: union(a.ipv6, b.ipv6) } });
    } else if (a.kind !== 'cname' || b.kind !== 'cname' || a.name !== b.name) {
      const was = a.kind === 'cname' ? `the name "${a.name}"` : 'addresses';
      const now = b.kind === 'cname' ? `the name "${b.name}"` : 'an address';
      errors.push({
        ...rule.source,
        message: `"${written(rule)}" already answers with ${was} at ${first.source.file}:${first.source.line}; ignoring ${now} (a rule gives addresses or one name)`,
      });
    }
  }
  return { rules: [...merged.values()], errors };
}

/** Classifies a pattern token the way dnscrypt-proxy does; a string is the error. */
function parsePattern(token: string): Pattern | string {
  const text = token.endsWith('.') ? token.slice(0, -1) : token;
  const bad = (why: string) => `bad pattern "${token}": ${why}`;
  if (text.startsWith('=')) {
    return /[*?[]/.test(text) ? bad('an exact (=) pattern cannot hold wildcards') : literalName('exact', text.slice(1), bad);
  }
  // `a.com`, `.a.com` and `*.a.com` all mean the domain and everything below.
  const domain = text.replace(/^\*?\./, '');
  if (!/[*?[]/.test(domain)) return literalName('suffix', domain, bad);
  const lower = text.toLowerCase();
  if (!/^[a-z0-9._*?[\]!^-]+$/.test(lower)) return bad('only letters, digits, "-", "_", "." and wildcards are allowed (use punycode)');
  if (lower.includes('..')) return bad('empty label');
  if (/^[^*?[]+\*$/.test(lower)) {
    return lower.startsWith('.') ? bad('empty label') : { kind: 'prefix', pattern: lower.slice(0, -1) };
  }
  if (/^\*[^*?[]+\*$/.test(lower)) return { kind: 'substring', pattern: lower.slice(1, -1) };
  if (lower.startsWith('.')) return bad('empty label');
  if (/^\**$/.test(lower)) return bad('matches every name');
  try {
    compileGlob(lower);
  } catch (error) {
    if (error instanceof GlobError) return bad(error.message);
    throw error;
  }
  return { kind: 'glob', pattern: lower };
}

function literalName(kind: PatternKind, text: string, bad: (why: string) => string): Pattern | string {
  if (text === '') return bad('no name');
  try {
    return { kind, pattern: parseName(text + '.') };
  } catch (error) {
    if (error instanceof NameError) return bad(error.message);
    throw error;
  }
}

/** An address, or a name taken as absolute; a string is the error. */
function parseTarget(value: string): CloakTarget | string {
  if (isIPv4(value)) return { kind: 'addresses', ipv4: [value], ipv6: [] };
  if (isIPv6(value) && !value.includes('%')) return { kind: 'addresses', ipv4: [], ipv6: [value.toLowerCase()] };
  // Mistyped addresses would otherwise pass as names: names never hold ":"
  // and no top-level domain is all digits (RFC 3696 §2).
  if (value.includes(':') || /(^|\.)\d+\.?$/.test(value)) {
    return `bad value "${value}": not a valid IP address${value.includes('%') ? ' (no zone ids)' : ''}`;
  }
  try {
    const name = parseName(value.endsWith('.') ? value : value + '.');
    return name === '' ? `bad value "${value}": the root is not a cloaking target` : { kind: 'cname', name };
  } catch (error) {
    if (error instanceof NameError) return `bad value "${value}": neither an IP address nor a valid name (${error.message})`;
    throw error;
  }
}

/** The pattern as a user would write it, for messages. */
function written(rule: CloakRule): string {
  const { kind, pattern } = rule;
  return kind === 'exact' ? `=${pattern}` : kind === 'prefix' ? `${pattern}*` : kind === 'substring' ? `*${pattern}*` : pattern;
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...a, ...b.filter((item) => !a.includes(item))];
}
