// DHCP option codes (RFC 2132 and later) and the value formats they share:
// addresses, address lists, 16/32-bit numbers and text. Options with a format
// of their own live beside this file (client-fqdn.ts, domain-search.ts,
// classless-routes.ts).

export const Option = {
  PAD: 0,
  SUBNET_MASK: 1,
  ROUTER: 3,
  DNS_SERVERS: 6,
  HOSTNAME: 12,
  DOMAIN_NAME: 15,
  BROADCAST_ADDRESS: 28,
  NTP_SERVERS: 42,
  REQUESTED_ADDRESS: 50,
  LEASE_TIME: 51,
  OVERLOAD: 52,
  MESSAGE_TYPE: 53,
  SERVER_ID: 54,
  PARAMETER_REQUEST_LIST: 55,
  MESSAGE: 56,
  MAX_MESSAGE_SIZE: 57,
  RENEWAL_TIME: 58,
  REBINDING_TIME: 59,
  VENDOR_CLASS: 60,
  CLIENT_ID: 61,
  CLIENT_FQDN: 81,
  RELAY_AGENT_INFO: 82,
  DOMAIN_SEARCH: 119,
  CLASSLESS_ROUTES: 121,
  END: 255,
} as const;

/** RFC 2132 §9.6: the values of option 53, in code order from 1. */
const MESSAGE_TYPES = ['DISCOVER', 'OFFER', 'REQUEST', 'DECLINE', 'ACK', 'NAK', 'RELEASE', 'INFORM'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export function messageTypeOf(code: number): MessageType | undefined {
  return MESSAGE_TYPES[code - 1];
}

export function messageTypeCode(type: MessageType): number {
  return MESSAGE_TYPES.indexOf(type) + 1;
}

/**
 * The length rules of the options whose values this codec reads (RFC 2132):
 * `exact` bytes, or at least `min` and a multiple of `unit`. A packet that
 * breaks one is malformed, so a typed reader never sees a value of the wrong
 * size. Text options (12, 15, 60) and the request list (55) have no rule:
 * some clients send them empty, which reads as absent rather than costing
 * the client its address.
 */
const LENGTH_RULES = new Map<number, { min: number; unit: number; exact?: boolean }>([
  [Option.SUBNET_MASK, { min: 4, unit: 4, exact: true }],
  [Option.ROUTER, { min: 4, unit: 4 }],
  [Option.DNS_SERVERS, { min: 4, unit: 4 }],
  [Option.BROADCAST_ADDRESS, { min: 4, unit: 4, exact: true }],
  [Option.NTP_SERVERS, { min: 4, unit: 4 }],
  [Option.REQUESTED_ADDRESS, { min: 4, unit: 4, exact: true }],
  [Option.LEASE_TIME, { min: 4, unit: 4, exact: true }],
  [Option.OVERLOAD, { min: 1, unit: 1, exact: true }],
  [Option.MESSAGE_TYPE, { min: 1, unit: 1, exact: true }],
  [Option.SERVER_ID, { min: 4, unit: 4, exact: true }],
  [Option.MAX_MESSAGE_SIZE, { min: 2, unit: 2, exact: true }],
  [Option.RENEWAL_TIME, { min: 4, unit: 4, exact: true }],
  [Option.REBINDING_TIME, { min: 4, unit: 4, exact: true }],
  [Option.CLIENT_ID, { min: 2, unit: 1 }],
  [Option.CLIENT_FQDN, { min: 3, unit: 1 }],
]);

/** Why an option's (concatenated) value has the wrong length, or undefined when it is fine. */
export function lengthProblem(code: number, length: number): string | undefined {
  const rule = LENGTH_RULES.get(code);
  if (rule === undefined) return undefined;
  const fits = rule.exact ? length === rule.min : length >= rule.min && length % rule.unit === 0;
  if (fits) return undefined;
  const wanted = rule.exact ? `${rule.min}` : rule.unit === 1 ? `at least ${rule.min}` : `a multiple of ${rule.unit}`;
  return `option ${code} is ${length} bytes long, RFC 2132 wants ${wanted}`;
}

/** Four bytes at `at` as a dotted quad. */
export function readAddress(bytes: Uint8Array, at = 0): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

export function readAddresses(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let at = 0; at + 4 <= bytes.length; at += 4) out.push(readAddress(bytes, at));
  return out;
}

export function readUint32(bytes: Uint8Array, at = 0): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

export function readUint16(bytes: Uint8Array, at = 0): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}

const utf8 = new TextDecoder();

/** Text options (12, 15, 56, 60): RFC 2132 says NVT ASCII; clients send UTF-8
 *  and stray NULs, so decode UTF-8 leniently and stop at the first NUL. */
export function readText(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return utf8.decode(nul < 0 ? bytes : bytes.subarray(0, nul));
}

/** A dotted quad as 4 bytes written at `at`; the caller has checked it is an address. */
export function writeAddress(out: Uint8Array, at: number, address: string): void {
  let octet = 0;
  let i = at;
  for (let c = 0; c < address.length; c++) {
    const ch = address.charCodeAt(c);
    if (ch === 0x2e) {
      out[i++] = octet;
      octet = 0;
    } else octet = octet * 10 + ch - 0x30;
  }
  out[i] = octet;
}

export function addressesValue(addresses: readonly string[]): Uint8Array {
  const out = new Uint8Array(addresses.length * 4);
  addresses.forEach((address, i) => writeAddress(out, i * 4, address));
  return out;
}

export function uint32Value(value: number): Uint8Array {
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

const utf8Encoder = new TextEncoder();

export function textValue(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}
