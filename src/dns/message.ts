// The two values that travel through the resolver: a parsed Query and the
// Response a stage produces for it, tagged with where it came from.
import type { Name, ResourceRecord } from './record.ts';

export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  YXDOMAIN: 6,
  YXRRSET: 7,
  NXRRSET: 8,
  NOTAUTH: 9,
  NOTZONE: 10,
  BADVERS: 16,
} as const;

export const Opcode = { QUERY: 0, NOTIFY: 4, UPDATE: 5 } as const;

/** EDNS0 as the client sent it (RFC 6891 §6.1.3). */
export interface Edns {
  readonly udpSize: number;
  readonly version: number;
  readonly dnssecOk: boolean;
}

export interface Query {
  readonly id: number;
  readonly opcode: number;
  readonly recursionDesired: boolean;
  readonly checkingDisabled: boolean;
  readonly name: Name;
  readonly type: number;
  readonly class: number;
  /** The question section exactly as sent: answers echo the client's case (DNS 0x20). */
  readonly question: Uint8Array;
  readonly edns: Edns | undefined;
}

/** Where an answer came from, for the query log, metrics and tests. */
export type Source =
  | 'zone'
  | 'cloak'
  | 'blocked'
  | 'cache'
  | 'stale'
  | 'refused'
  | 'servfail'
  | 'invalid'
  /** Turned away at the gate: not in dns.allow, or past dns.rate_limit (dropped, or sent with TC=1). */
  | 'denied'
  | 'dropped'
  | 'slipped'
  | `upstream:${string}`;

export interface EdnsOption {
  readonly code: number;
  readonly data: Uint8Array;
}

export interface Response {
  readonly rcode: number;
  readonly authoritative: boolean;
  readonly answer: readonly ResourceRecord[];
  readonly authority: readonly ResourceRecord[];
  readonly additional: readonly ResourceRecord[];
  /** Options for the response's OPT record, sent only when the client used EDNS. */
  readonly ednsOptions?: readonly EdnsOption[];
  /** AD: set only when the upstream that answered set it (RFC 4035 §3.2.3). */
  readonly authenticData?: boolean;
  /** How the stored TTLs go out: reduced by the age of a cached answer, or
   *  all set to one value for a stale answer (RFC 8767 §4). */
  readonly ttls?: TtlAdjustment;
  /** For a blocked answer: the list, line and rule that blocked it. */
  readonly blockedBy?: BlockAttribution;
  readonly source: Source;
}

export interface BlockAttribution {
  readonly list: string;
  readonly line: number;
  readonly rule: string;
}

export type TtlAdjustment = { readonly minus: number } | { readonly fixed: number };

const NONE: readonly ResourceRecord[] = [];

/** A response with no records: an error, a refusal, or an empty NOERROR. */
export function emptyResponse(rcode: number, source: Source, authoritative = false): Response {
  return { rcode, authoritative, answer: NONE, authority: NONE, additional: NONE, source };
}
