// Who should be master: RFC 5798 §6.4.3's comparison (higher priority wins,
// a tie goes to the higher primary address), with one step before it: a
// node whose health checks fail (or that an operator demoted) loses to any
// healthy one, whatever the priorities.
import { isIPv4 } from 'node:net';
import { ipv4Bytes, ipv6Bytes } from '../net/address.ts';

export interface Standing {
  readonly impaired: boolean;
  readonly priority: number;
  /** The node's advert address (its `ha.listen` host). */
  readonly address: string;
}

/** True when `a` should be master rather than `b`. */
export function outranks(a: Standing, b: Standing): boolean {
  if (a.impaired !== b.impaired) return !a.impaired;
  if (a.priority !== b.priority) return a.priority > b.priority;
  return compareAddresses(a.address, b.address) > 0;
}

function compareAddresses(a: string, b: string): number {
  const bytes = (text: string) => (isIPv4(text) ? ipv4Bytes(text) : ipv6Bytes(text)) ?? new Uint8Array(0);
  return Buffer.compare(Buffer.from(bytes(a)), Buffer.from(bytes(b)));
}
