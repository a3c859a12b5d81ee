// Networks as users write them: `192.168.1.0/24`, `fd00::/64`, or a bare address.
import { isIP } from 'node:net';
import { z } from 'zod';

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 4 | 6;
}

/** `192.168.1.0/24`, `fd00::/64`, or a bare address (a host route). */
export function parseCidr(text: string): Cidr | undefined {
  const [address = '', prefixText, extra] = text.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  return prefix <= max ? { address, prefix, family: family === 4 ? 4 : 6 } : undefined;
}

export const cidr = z.string().refine((value) => parseCidr(value) !== undefined, {
  error: (issue) => `"${String(issue.input)}" is not a CIDR (examples: 192.168.1.0/24, fd00::/64)`,
});
