// The mnemonics of the IANA "Resource Record (RR) TYPEs" registry, for zone
// files, the API and messages; any other type is written TYPEnnn (RFC 3597 §5).
import { fail, show } from './syntax.ts';

const CODES: ReadonlyArray<readonly [string, number]> = [
  ['A', 1], ['NS', 2], ['MD', 3], ['MF', 4], ['CNAME', 5], ['SOA', 6], ['MB', 7], ['MG', 8], ['MR', 9], ['NULL', 10],
  ['WKS', 11], ['PTR', 12], ['HINFO', 13], ['MINFO', 14], ['MX', 15], ['TXT', 16], ['RP', 17], ['AFSDB', 18], ['X25', 19],
  ['ISDN', 20], ['RT', 21], ['NSAP', 22], ['NSAP-PTR', 23], ['SIG', 24], ['KEY', 25], ['PX', 26], ['GPOS', 27], ['AAAA', 28],
  ['LOC', 29], ['NXT', 30], ['EID', 31], ['NIMLOC', 32], ['SRV', 33], ['ATMA', 34], ['NAPTR', 35], ['KX', 36], ['CERT', 37],
  ['A6', 38], ['DNAME', 39], ['SINK', 40], ['OPT', 41], ['APL', 42], ['DS', 43], ['SSHFP', 44], ['IPSECKEY', 45], ['RRSIG', 46],
  ['NSEC', 47], ['DNSKEY', 48], ['DHCID', 49], ['NSEC3', 50], ['NSEC3PARAM', 51], ['TLSA', 52], ['SMIMEA', 53], ['HIP', 55],
  ['NINFO', 56], ['RKEY', 57], ['TALINK', 58], ['CDS', 59], ['CDNSKEY', 60], ['OPENPGPKEY', 61], ['CSYNC', 62], ['ZONEMD', 63],
  ['SVCB', 64], ['HTTPS', 65], ['DSYNC', 66], ['HHIT', 67], ['BRID', 68], ['SPF', 99], ['UINFO', 100], ['UID', 101], ['GID', 102], ['UNSPEC', 103],
  ['NID', 104], ['L32', 105], ['L64', 106], ['LP', 107], ['EUI48', 108], ['EUI64', 109], ['NXNAME', 128], ['TKEY', 249],
  ['TSIG', 250], ['IXFR', 251], ['AXFR', 252], ['MAILB', 253], ['MAILA', 254], ['ANY', 255], ['URI', 256], ['CAA', 257],
  ['AVC', 258], ['DOA', 259], ['AMTRELAY', 260], ['RESINFO', 261], ['WALLET', 262], ['TA', 32768], ['DLV', 32769],
];

const BY_NAME = new Map(CODES);
const BY_CODE = new Map(CODES.map(([name, code]) => [code, name]));

/** The mnemonic parseType reads back: the registry's, else `TYPEnnn` (RFC 3597 §5). */
export function typeName(type: number): string {
  return BY_CODE.get(type) ?? `TYPE${type}`;
}

/** A registered mnemonic, or `TYPEnnn` for any type; throws with the reason otherwise. */
export function parseType(text: string): number {
  const upper = text.toUpperCase();
  const known = BY_NAME.get(upper);
  if (known !== undefined) return known;
  const generic = /^TYPE(\d{1,5})$/.exec(upper);
  if (generic && Number(generic[1]) <= 0xffff) return Number(generic[1]);
  return fail(`unknown record type ${show(text)}`);
}

/** True for a word parseType reads, so a reader can tell a type from an owner or a TTL. */
export function isTypeWord(text: string): boolean {
  const upper = text.toUpperCase();
  return BY_NAME.has(upper) || /^TYPE\d{1,5}$/.test(upper);
}
