// The presentation format of each record type, as the list of its fields in
// order (each type's RFC gives it). Types not here are read and written in
// the generic form of RFC 3597 §5 only.
import { addressPrefixes, amtRelay, ipsecGateway } from './gateway-fields.ts';
import { location } from './loc.ts';
import {
  base64, eui, hashedOwner, hex, hostIdentity, locator64, nsapAddress, salt, signatureTime, typeBitmap, typeCode,
} from './binary-fields.ts';
import { caaTag, ipv4, ipv6, name, opaque, seconds, string, strings, uint, type Field } from './rdata-fields.ts';
import { parseType } from './rr-types.ts';
import { svcParams } from './svcb-params.ts';

/** DNSSEC algorithm mnemonics (IANA "DNS Security Algorithm Numbers"), accepted where a number is. */
const ALGORITHMS = new Map([
  ['RSAMD5', 1], ['DH', 2], ['DSA', 3], ['RSASHA1', 5], ['DSA-NSEC3-SHA1', 6], ['RSASHA1-NSEC3-SHA1', 7], ['RSASHA256', 8],
  ['RSASHA512', 10], ['ECC-GOST', 12], ['ECDSAP256SHA256', 13], ['ECDSAP384SHA384', 14], ['ED25519', 15], ['ED448', 16],
  ['INDIRECT', 252], ['PRIVATEDNS', 253], ['PRIVATEOID', 254],
]);

/** Certificate types (RFC 4398 §2.1). */
const CERT_TYPES = new Map([
  ['PKIX', 1], ['SPKI', 2], ['PGP', 3], ['IPKIX', 4], ['ISPKI', 5], ['IPGP', 6], ['ACPKIX', 7], ['IACPKIX', 8], ['URI', 253], ['OID', 254],
]);

const algorithm = uint(1, 'algorithm', ALGORITHMS);
const target = [name('target')];
const preferenceAndName = (word: string): Field[] => [uint(2, 'preference'), name(word)];
const digest = [uint(2, 'key tag'), algorithm, uint(1, 'digest type'), hex('digest')]; // RFC 4034 §5.3
const key = [uint(2, 'flags'), uint(1, 'protocol'), algorithm, base64('public key')]; // RFC 4034 §2.2
const signature = [typeCode('type covered'), algorithm, uint(1, 'labels'), seconds('original TTL'), // RFC 4034 §3.2
  signatureTime('expiration'), signatureTime('inception'), uint(2, 'key tag'), name('signer'), base64('signature')];
const association = [uint(1, 'usage'), uint(1, 'selector'), uint(1, 'matching type'), hex('data')]; // RFC 6698 §2.2
const service = [uint(2, 'priority'), name('target'), svcParams]; // RFC 9460 §2.1

const byMnemonic: ReadonlyArray<readonly [string, readonly Field[]]> = [
  ['A', [ipv4('address')]], // RFC 1035 §3.4.1
  ['NS', [name('nameserver')]],
  ['MD', target], ['MF', target], ['MB', target], ['MG', target], ['MR', target], ['NSAP-PTR', target],
  ['CNAME', target], ['PTR', target], ['DNAME', target], // RFC 6672 §2.1
  ['SOA', [name('mname'), name('rname'), uint(4, 'serial'), // RFC 1035 §3.3.13
    seconds('refresh'), seconds('retry'), seconds('expire'), seconds('minimum')]],
  ['HINFO', [string('cpu'), string('os')]],
  ['MINFO', [name('rmailbx'), name('emailbx')]],
  ['MX', preferenceAndName('exchange')], // RFC 1035 §3.3.9
  ['TXT', [strings('text')]], ['SPF', [strings('text')]], // RFC 7208 §3
  ['RP', [name('mailbox'), name('text name')]], // RFC 1183 §2.2
  ['AFSDB', [uint(2, 'subtype'), name('hostname')]], // RFC 1183 §1
  ['X25', [string('PSDN address')]], ['ISDN', [strings('ISDN address')]], ['GPOS', [string('longitude'), string('latitude'), string('altitude')]],
  ['RT', preferenceAndName('intermediate host')], ['KX', preferenceAndName('exchanger')],
  ['PX', [uint(2, 'preference'), name('map822'), name('mapx400')]], // RFC 2163
  ['AAAA', [ipv6('address')]], // RFC 3596 §2.2
  ['LOC', [location]], // RFC 1876
  ['SRV', [uint(2, 'priority'), uint(2, 'weight'), uint(2, 'port'), name('target')]], // RFC 2782
  ['NAPTR', [uint(2, 'order'), uint(2, 'preference'), string('flags'), string('services'), string('regexp'), name('replacement')]], // RFC 3403 §4.1
  ['CERT', [uint(2, 'certificate type', CERT_TYPES), uint(2, 'key tag'), algorithm, base64('certificate')]], // RFC 4398 §2.2
  ['DS', digest], ['CDS', digest], ['TA', digest], ['DLV', digest],
  ['SSHFP', [uint(1, 'algorithm'), uint(1, 'fingerprint type'), hex('fingerprint')]], // RFC 4255 §3.2
  ['RRSIG', signature], ['SIG', signature],
  ['NSEC', [name('next domain'), typeBitmap]], // RFC 4034 §4.2
  ['DNSKEY', key], ['CDNSKEY', key], ['KEY', key], ['RKEY', key],
  ['DHCID', [base64('digest')]], ['OPENPGPKEY', [base64('public key')]], // RFC 4701 §3.4, RFC 7929 §2.3
  ['NSEC3', [uint(1, 'hash algorithm'), uint(1, 'flags'), uint(2, 'iterations'), salt, hashedOwner, typeBitmap]], // RFC 5155 §3.3
  ['NSEC3PARAM', [uint(1, 'hash algorithm'), uint(1, 'flags'), uint(2, 'iterations'), salt]], // RFC 5155 §4.3
  ['TLSA', association], ['SMIMEA', association], // RFC 8162 §2
  ['TALINK', [name('previous'), name('next')]],
  ['CSYNC', [uint(4, 'serial'), uint(2, 'flags'), typeBitmap]], // RFC 7477 §2.1.1
  ['ZONEMD', [uint(4, 'serial'), uint(1, 'scheme'), uint(1, 'hash algorithm'), hex('digest')]], // RFC 8976 §2.3
  ['SVCB', service], ['HTTPS', service],
  ['NID', [uint(2, 'preference'), locator64]], ['L64', [uint(2, 'preference'), locator64]], // RFC 6742 §2.1, §2.3
  ['L32', [uint(2, 'preference'), ipv4('locator')]], ['LP', preferenceAndName('FQDN')],
  ['EUI48', [eui(6)]], ['EUI64', [eui(8)]], // RFC 7043
  ['URI', [uint(2, 'priority'), uint(2, 'weight'), opaque('target')]], // RFC 7553 §4.4
  ['CAA', [uint(1, 'flags'), caaTag, opaque('value')]], // RFC 8659 §4.1
  ['APL', [addressPrefixes]], // RFC 3123 §4
  ['IPSECKEY', [uint(1, 'precedence'), ipsecGateway, base64('public key', true)]], // RFC 4025 §3.1
  ['AMTRELAY', [uint(1, 'precedence'), amtRelay]], // RFC 8777 §4.3
  ['NSAP', [nsapAddress]], ['HIP', [hostIdentity]],
  ['HHIT', [base64('data')]], ['BRID', [base64('data')]], // RFC 9886
  ['AVC', [strings('text')]], ['RESINFO', [strings('text')]], ['WALLET', [strings('text')]], ['NINFO', [strings('text')]],
];

export const FORMATS: ReadonlyMap<number, readonly Field[]> = new Map(byMnemonic.map(([mnemonic, fields]) => [parseType(mnemonic), fields]));
