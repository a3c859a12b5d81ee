// A server's reply to a decoded request: which header fields and options go
// in is decided here, by RFC 2131 §4.3.1 and table 3, and by what the client
// asked for (option 55) and can receive (option 57).
import { parseCidr } from '../values/cidr.ts';
import { DEFAULT_DESTINATION, encodeClasslessRoutes, type ClasslessRoute } from './classless-routes.ts';
import { encodeClientFqdn, type FqdnUpdates } from './client-fqdn.ts';
import { encodeDomainSearch } from './domain-search.ts';
import { Option, addressesValue, messageTypeCode, textValue, uint32Value } from './options.ts';
import { MIN_MESSAGE_SIZE } from './packet-options.ts';
import { encodePacket, type DhcpPacket, type EncodedPacket, type OutgoingOption } from './packet.ts';

/**
 * The network's configuration, for replies to carry; each is sent only when
 * the client asks for it (option 55). Values are encoded once per object and
 * remembered, so pass the same object (built from the config) to every reply.
 */
export interface ReplyParameters {
  readonly subnetMask?: string;
  readonly routers?: readonly string[];
  readonly dnsServers?: readonly string[];
  readonly domainName?: string;
  readonly broadcastAddress?: string;
  readonly ntpServers?: readonly string[];
  /** Option 119, canonical names. */
  readonly domainSearch?: readonly string[];
  /** Option 121. */
  readonly classlessRoutes?: readonly ClasslessRoute[];
}

/** Seconds. T1 and T2 default to RFC 2131 §4.4.5's 0.5 and 0.875 of the lease. */
export interface LeaseTimes {
  readonly lease: number;
  readonly renewal?: number;
  readonly rebinding?: number;
}

/** Option 81 in the reply, when the request carried one (RFC 4702 §4). */
export interface FqdnReply {
  readonly updates: FqdnUpdates;
  /** The fully qualified name the server will use, canonical text. */
  readonly name: string;
}

interface ReplyCommon {
  /** Option 54: the address clients send REQUESTs to (RFC 2131 §4.3.1). */
  readonly serverId: string;
  /** Option 56: a text for the client's log. */
  readonly message?: string;
}

/** An OFFER, or the ACK to a REQUEST: an address and its lease. */
export interface LeaseReply extends ReplyCommon {
  readonly type: 'OFFER' | 'ACK';
  readonly yiaddr: string;
  readonly times: LeaseTimes;
  readonly parameters: ReplyParameters;
  /** Option 12: the client's own name, sent when it asks for option 12. */
  readonly hostname?: string;
  readonly fqdn?: FqdnReply;
  /** Next server (siaddr); 0.0.0.0 when absent. */
  readonly siaddr?: string;
}

/** RFC 2131 §4.3.5: the ACK to an INFORM carries no address and no lease times. */
export interface InformReply extends ReplyCommon {
  readonly type: 'INFORM-ACK';
  readonly parameters: ReplyParameters;
  readonly hostname?: string;
  readonly fqdn?: FqdnReply;
}

/** RFC 2131 table 3: a NAK carries only 53, 54, 56 (and 61, 82 echoed). */
export interface NakReply extends ReplyCommon {
  readonly type: 'NAK';
}

export type DhcpReply = LeaseReply | InformReply | NakReply;

/** Sent when the client has no option 55: what every client needs to reach the network, as dnsmasq does. */
export const DEFAULT_REQUESTED: readonly number[] = [Option.SUBNET_MASK, Option.ROUTER, Option.DNS_SERVERS, Option.DOMAIN_NAME];

/** Replies never exceed one Ethernet frame, whatever option 57 allows: no IP fragments. */
const MAX_DATAGRAM = 1500;
const IP_UDP_HEADERS = 28;
const INFINITE = 0xffffffff;
const ZERO = '0.0.0.0';

/** Ranks for option-layout.ts: 0 is never dropped; higher goes sooner when a reply is full. */
const RANK: ReadonlyMap<number, number> = new Map([
  [Option.SUBNET_MASK, 1],
  [Option.ROUTER, 2],
  [Option.DNS_SERVERS, 3],
  [Option.DOMAIN_NAME, 4],
  [Option.CLIENT_FQDN, 5],
  [Option.HOSTNAME, 6],
  [Option.BROADCAST_ADDRESS, 7],
  [Option.CLASSLESS_ROUTES, 8],
  [Option.DOMAIN_SEARCH, 9],
  [Option.NTP_SERVERS, 10],
  [Option.MESSAGE, 11],
]);

/** Encodes `reply` to `request`: never larger than the client accepts (option 57, else 576), at least 300 bytes. */
export function encodeReply(request: DhcpPacket, reply: DhcpReply): EncodedPacket {
  const datagram = Math.min(MAX_DATAGRAM, request.options.maxMessageSize() ?? MIN_MESSAGE_SIZE);
  const acking = reply.type === 'ACK' || reply.type === 'INFORM-ACK';
  return encodePacket(
    {
      op: 'BOOTREPLY',
      htype: request.htype,
      hlen: request.hlen,
      hops: 0,
      xid: request.xid,
      secs: 0,
      flags: request.flags,
      // RFC 2131 table 3: ciaddr is the client's in an ACK, else 0.
      ciaddr: acking ? request.ciaddr : ZERO,
      yiaddr: reply.type === 'OFFER' || reply.type === 'ACK' ? reply.yiaddr : ZERO,
      siaddr: reply.type === 'OFFER' || reply.type === 'ACK' ? (reply.siaddr ?? ZERO) : ZERO,
      giaddr: request.giaddr,
      chaddr: request.chaddr,
      options: replyOptions(request, reply),
    },
    datagram - IP_UDP_HEADERS,
  );
}

function replyOptions(request: DhcpPacket, reply: DhcpReply): OutgoingOption[] {
  const options: OutgoingOption[] = [
    { code: Option.MESSAGE_TYPE, value: MESSAGE_TYPE_VALUES[reply.type], rank: 0 },
    { code: Option.SERVER_ID, value: addressesValue([reply.serverId]), rank: 0 },
  ];
  if (reply.type === 'OFFER' || reply.type === 'ACK') options.push(...leaseOptions(reply.times));
  if (reply.type !== 'NAK') {
    const requested = request.options.parameterRequestList() ?? DEFAULT_REQUESTED;
    const seen = new Set<number>();
    for (const code of requested) {
      if (seen.has(code)) continue;
      seen.add(code);
      const value = code === Option.HOSTNAME ? hostnameValue(reply.hostname) : parameterValue(code, reply.parameters);
      // RFC 3397 §2: a client of option 119 concatenates its instances, so it may be cut to fill a field.
      if (value !== undefined) options.push({ code, value, rank: RANK.get(code) ?? RANK.size + 1, splittable: code === Option.DOMAIN_SEARCH });
    }
    const clientFqdn = request.options.clientFqdn();
    if (clientFqdn && reply.fqdn) {
      options.push({ code: Option.CLIENT_FQDN, value: encodeClientFqdn(clientFqdn, reply.fqdn.updates, reply.fqdn.name), rank: RANK.get(Option.CLIENT_FQDN)! });
    }
  }
  if (reply.message !== undefined) options.push({ code: Option.MESSAGE, value: textValue(reply.message), rank: RANK.get(Option.MESSAGE)! });
  // RFC 6842 §3 (updating RFC 2131 table 3): the client identifier is echoed in every reply.
  const clientId = request.options.clientId();
  if (clientId) options.push({ code: Option.CLIENT_ID, value: clientId, rank: 0 });
  // RFC 3046 §2.2: the relay agent information is echoed unchanged, as the
  // last option, never in file or sname; a reply it doesn't fit goes without it.
  const relayInfo = request.options.relayAgentInfo();
  if (relayInfo) options.push({ code: Option.RELAY_AGENT_INFO, value: relayInfo, rank: 0, mainOnly: true });
  return options;
}

function leaseOptions(times: LeaseTimes): OutgoingOption[] {
  const share = (fraction: number) => (times.lease === INFINITE ? INFINITE : Math.floor(times.lease * fraction));
  return [
    { code: Option.LEASE_TIME, value: uint32Value(times.lease), rank: 0 },
    { code: Option.RENEWAL_TIME, value: uint32Value(times.renewal ?? share(0.5)), rank: 0 },
    { code: Option.REBINDING_TIME, value: uint32Value(times.rebinding ?? share(0.875)), rank: 0 },
  ];
}

const MESSAGE_TYPE_VALUES = {
  OFFER: Uint8Array.of(messageTypeCode('OFFER')),
  ACK: Uint8Array.of(messageTypeCode('ACK')),
  'INFORM-ACK': Uint8Array.of(messageTypeCode('ACK')),
  NAK: Uint8Array.of(messageTypeCode('NAK')),
} as const satisfies Record<DhcpReply['type'], Uint8Array>;

/** Encoded parameter values by parameters object: layout only reads them, so replies share them. */
const encodedParameters = new WeakMap<ReplyParameters, Map<number, Uint8Array | undefined>>();

function hostnameValue(hostname: string | undefined): Uint8Array | undefined {
  return hostname ? textValue(hostname) : undefined;
}

/** The value of a requested option, or undefined when there is nothing to send. */
function parameterValue(code: number, parameters: ReplyParameters): Uint8Array | undefined {
  let encoded = encodedParameters.get(parameters);
  if (encoded === undefined) encodedParameters.set(parameters, (encoded = new Map()));
  if (encoded.has(code)) return encoded.get(code);
  const value = encodeParameter(code, parameters);
  encoded.set(code, value);
  return value;
}

function encodeParameter(code: number, parameters: ReplyParameters): Uint8Array | undefined {
  const addresses = (list: readonly (string | undefined)[] | undefined) => {
    const present = list?.filter((address) => address !== undefined);
    return present && present.length > 0 ? addressesValue(present) : undefined;
  };
  switch (code) {
    case Option.SUBNET_MASK:
      return addresses([parameters.subnetMask]);
    case Option.ROUTER:
      return addresses(parameters.routers);
    case Option.DNS_SERVERS:
      return addresses(parameters.dnsServers);
    case Option.DOMAIN_NAME:
      return parameters.domainName ? textValue(parameters.domainName) : undefined;
    case Option.BROADCAST_ADDRESS:
      return addresses([parameters.broadcastAddress]);
    case Option.NTP_SERVERS:
      return addresses(parameters.ntpServers);
    case Option.DOMAIN_SEARCH:
      return parameters.domainSearch?.length ? encodeDomainSearch(parameters.domainSearch) : undefined;
    case Option.CLASSLESS_ROUTES:
      return classlessRoutes(parameters);
    default:
      return undefined;
  }
}

/**
 * RFC 3442: a client that gets option 121 ignores option 3, so the default
 * route rides in 121 too (as 0.0.0.0/0 via the first router) unless the
 * configured routes already have one; option 3 is still sent to clients that
 * ask for it, as RFC 3442 asks administrators to do for older clients.
 */
function classlessRoutes(parameters: ReplyParameters): Uint8Array | undefined {
  const routes = parameters.classlessRoutes ?? [];
  if (routes.length === 0) return undefined;
  const router = parameters.routers?.[0];
  const hasDefault = routes.some((route) => parseCidr(route.destination)?.prefix === 0);
  const value = encodeClasslessRoutes(router === undefined || hasDefault ? routes : [...routes, { destination: DEFAULT_DESTINATION, gateway: router }]);
  return value.length > 0 ? value : undefined;
}
