// What finding the home's public address of one family comes to: the
// address, or why there is none (then that family's records are left alone).
import type { Family } from '../address.ts';

export type Detection =
  | { readonly kind: 'found'; readonly address: string; /** where it came from, for the logs */ readonly from: string }
  | { readonly kind: 'missing'; readonly reason: string };

export interface AddressDetector {
  detect(family: Family): Promise<Detection>;
}
