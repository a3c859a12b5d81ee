// A resource record as hearth keeps it: the owner name in canonical form and
// the RDATA already in wire format, so answers are assembled from bytes and
// never re-encoded per query.

/** A domain name in canonical presentation form: lowercase, no trailing dot,
 *  the root is "". Bytes outside [a-z0-9-_*] and "." or "\" inside a label are
 *  written as `\DDD` / `\.` the way dig prints them (RFC 4343 §2.1: comparisons
 *  are case-insensitive for ASCII letters only). */
export type Name = string;

export interface ResourceRecord {
  readonly name: Name;
  readonly type: number;
  readonly class: number;
  readonly ttl: number;
  /** RDATA in wire format, names inside it uncompressed (RFC 3597 §4). */
  readonly rdata: Uint8Array;
}

export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  DNAME: 39,
  OPT: 41,
  DS: 43,
  RRSIG: 46,
  NSEC: 47,
  SVCB: 64,
  HTTPS: 65,
  TSIG: 250,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
  CAA: 257,
} as const;

export const RRClass = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;
