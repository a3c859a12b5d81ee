// The DNS label a DHCP client's name becomes. Clients send anything in
// option 12 ("Anna's iPhone", "DESKTOP-4F2K9", "host.corp.example") and in
// option 81; what goes into the zone must be one valid host label (RFC 1123
// §2.1: letters, digits, hyphen; not starting or ending with a hyphen).
import { MAX_LABEL, labelBytes, labelsOf } from '../dns/name.ts';

/**
 * One label from free text: accents dropped ("Jöns" → "jons"), lowercase,
 * spaces, underscores and other separators become one hyphen, anything else
 * outside [a-z0-9-] is removed, at most 63 characters. Undefined when nothing
 * is left. A dotted text gives its first label: the rest is the client's idea
 * of its domain, and hearth registers names in its own.
 */
export function hostLabel(text: string): string | undefined {
  const first = text.split('.')[0] ?? '';
  const label = first
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\s_+=,;:/\\|]+/g, '-')
    .replace(/[^a-z0-9-]/g, '')
    .replace(/-{2,}/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_LABEL)
    .replace(/-+$/, '');
  return label === '' ? undefined : label;
}

/**
 * The label of a name from option 81 (canonical text as client-fqdn.ts
 * decodes it, escapes included). Its first label is taken whatever domain
 * follows: a laptop that calls itself "laptop.corp.example" is still
 * "laptop" here, the only domain hearth can register it in.
 */
export function fqdnHostLabel(name: string): string | undefined {
  const first = labelsOf(name)[0];
  if (first === undefined) return undefined;
  // Escaped bytes (\032 for a space, \. ) are the client's characters: resolve
  // them, so they are sanitized like option 12's text.
  return hostLabel(String.fromCharCode(...labelBytes(first)).replaceAll('.', '-'));
}
