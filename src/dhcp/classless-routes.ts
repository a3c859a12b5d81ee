// Option 121, classless static routes (RFC 3442): each route is a prefix
// length, the significant octets of the destination, then the router.
import { parseCidr } from '../values/cidr.ts';
import { readAddress, writeAddress } from './options.ts';

/** A route as the config writes it: destination "10.0.0.0/8", gateway "192.168.1.2". */
export interface ClasslessRoute {
  readonly destination: string;
  readonly gateway: string;
}

export const DEFAULT_DESTINATION = '0.0.0.0/0';

/** RFC 3442 §"Classless Route Option Format": only ceil(width/8) destination octets are sent. */
function significantOctets(prefix: number): number {
  return Math.ceil(prefix / 8);
}

/** Encodes the routes; a destination that is not an IPv4 CIDR can't be expressed and is left out. */
export function encodeClasslessRoutes(routes: readonly ClasslessRoute[]): Uint8Array {
  const parsed = routes.flatMap((route) => {
    const cidr = parseCidr(route.destination);
    return cidr?.family === 4 ? [{ cidr, gateway: route.gateway }] : [];
  });
  let length = 0;
  for (const { cidr } of parsed) length += 1 + significantOctets(cidr.prefix) + 4;
  const out = new Uint8Array(length);
  const address = new Uint8Array(4);
  let at = 0;
  for (const { cidr, gateway } of parsed) {
    writeAddress(address, 0, cidr.address);
    out[at++] = cidr.prefix;
    const octets = significantOctets(cidr.prefix);
    // RFC 3442: the destination is sent with its host bits cleared.
    for (let i = 0; i < octets; i++) {
      const bits = Math.min(8, cidr.prefix - i * 8);
      out[at++] = address[i]! & (0xff << (8 - bits));
    }
    writeAddress(out, at, gateway);
    at += 4;
  }
  return out;
}

/** The routes in an option 121 value; undefined when a descriptor runs past the end or is wider than 32. */
export function decodeClasslessRoutes(value: Uint8Array): ClasslessRoute[] | undefined {
  const routes: ClasslessRoute[] = [];
  let at = 0;
  while (at < value.length) {
    const prefix = value[at]!;
    if (prefix > 32) return undefined;
    const octets = significantOctets(prefix);
    if (at + 1 + octets + 4 > value.length) return undefined;
    const destination = new Uint8Array(4);
    destination.set(value.subarray(at + 1, at + 1 + octets));
    at += 1 + octets;
    routes.push({ destination: `${readAddress(destination)}/${prefix}`, gateway: readAddress(value, at) });
    at += 4;
  }
  return routes;
}
