// RFC 2136 dynamic update of a zone's primary server, signed with TSIG (RFC
// 8945): the provider for a zone the owner runs (BIND, Knot, PowerDNS) or a
// DNS host that takes signed updates. The current address is read with a
// plain query to the same server; the update replaces the RRset.
import { randomInt } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Rcode } from '../../dns/message.ts';
import { MalformedMessage } from '../../dns/reader.ts';
import { RRType, type Name } from '../../dns/record.ts';
import type { TsigKey } from '../../dns/tsig/key.ts';
import { TsigError } from '../../dns/tsig/record.ts';
import { signMessage } from '../../dns/tsig/sign.ts';
import { verifyResponse, type TsigVerdict } from '../../dns/tsig/verify.ts';
import { buildQuery, parseReply } from '../../dns/upstream/message.ts';
import { udpUpstream } from '../../dns/upstream/udp.ts';
import type { Endpoint, Upstream } from '../../dns/upstream/upstream.ts';
import { rdataToText } from '../../dns/zones/rdata-text.ts';
import { ipv4Bytes, ipv6Bytes } from '../../net/address.ts';
import { globalAddress, type Family } from '../address.ts';
import type { ServerAddress } from '../config.ts';
import type { CurrentResult, DnsProvider, ProviderFailure, UpdateResult } from './provider.ts';
import { replaceRrsetMessage } from './update-message.ts';

export interface Rfc2136Options {
  readonly server: ServerAddress;
  readonly zone: Name;
  readonly name: Name;
  readonly key: TsigKey;
  readonly ttl: number;
  readonly timeoutMs: number;
  /** Seconds since the epoch, for TSIG. */
  readonly now?: () => number;
}

const RCODE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(Rcode).map(([name, code]) => [code, name]));
const TSIG_ERROR_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(TsigError).map(([name, code]) => [code, name]));

export class Rfc2136Provider implements DnsProvider {
  private readonly options: Rfc2136Options;
  private readonly upstream: Upstream;
  private readonly now: () => number;

  constructor(options: Rfc2136Options) {
    this.options = options;
    this.now = options.now ?? (() => Date.now() / 1000);
    const { host, port } = options.server;
    this.upstream = udpUpstream(`udp://${host}:${port}`, serverEndpoint(options.server));
  }

  async current(family: Family): Promise<CurrentResult> {
    const type = typeOf(family);
    const reply = await this.exchange(buildQuery({ name: this.options.name, type, dnssecOk: false, checkingDisabled: false }));
    if (!(reply instanceof Uint8Array)) return reply;
    try {
      const response = parseReply(reply, `upstream:${this.upstream.url}`);
      if (response.rcode !== Rcode.NOERROR && response.rcode !== Rcode.NXDOMAIN) {
        return { kind: 'transient', reason: `${this.upstream.url} answered the query with ${rcodeName(response.rcode)}` };
      }
      const addresses = response.answer
        .filter((r) => r.type === type && r.name === this.options.name)
        .map((record) => {
          const text = rdataToText(type, record.rdata);
          return globalAddress(text, family) ?? text;
        });
      return { kind: 'current', addresses };
    } catch (error) {
      if (error instanceof MalformedMessage) return { kind: 'transient', reason: `${this.upstream.url} sent a malformed answer: ${error.message}` };
      throw error;
    }
  }

  async update(family: Family, address: string): Promise<UpdateResult> {
    const rdata = family === 4 ? ipv4Bytes(address) : ipv6Bytes(address);
    if (!rdata) return { kind: 'fatal', reason: `${address} is not an IPv${family} address` };
    const { zone, name, ttl, key } = this.options;
    const message = replaceRrsetMessage({ id: randomInt(0x10000), zone, name, type: typeOf(family), ttl, rdata });
    const signed = signMessage(message, key, { now: this.now() });
    const reply = await this.exchange(signed.message);
    if (!(reply instanceof Uint8Array)) return reply;
    return this.outcome(verifyResponse(reply, key, signed.mac, this.now()));
  }

  /** What the server's answer to a signed update means. */
  private outcome(verdict: TsigVerdict): UpdateResult {
    const server = this.upstream.url;
    if (verdict.kind === 'malformed') return { kind: 'transient', reason: `${server} sent a malformed answer: ${verdict.reason}` };
    const peerError = 'peerError' in verdict ? verdict.peerError : undefined;
    if (peerError !== undefined) {
      const reason = `${server} rejected the TSIG of the update with ${TSIG_ERROR_NAMES[peerError] ?? peerError}`;
      // RFC 8945 §5.2.3: BADTIME means the clocks differ by more than the fudge; that may pass.
      if (peerError === TsigError.BADTIME) return { kind: 'transient', reason: `${reason}: check this host's clock` };
      return peerError === TsigError.BADKEY || peerError === TsigError.BADSIG
        ? { kind: 'auth-error', reason: `${reason}: check key_name, key_algorithm and the secret` }
        : { kind: 'fatal', reason };
    }
    const rcode = verdict.message[3]! & 0xf;
    // An unsigned or wrongly signed answer could come from anyone (RFC 8945
    // §5.4): only a refusal is believed from it, and an update never is.
    if (verdict.kind !== 'valid') {
      const why = verdict.kind === 'unsigned' ? 'an unsigned answer' : `an answer whose TSIG fails (${verdict.error})`;
      if (rcode === Rcode.REFUSED || rcode === Rcode.NOTAUTH)
        return { kind: 'auth-error', reason: `${server} refused the update (${rcodeName(rcode)}) in ${why}` };
      return { kind: 'transient', reason: `${server} sent ${why} with ${rcodeName(rcode)}` };
    }
    switch (rcode) {
      case Rcode.NOERROR:
        return { kind: 'updated' };
      case Rcode.REFUSED:
      case Rcode.NOTAUTH:
        return {
          kind: 'auth-error',
          reason: `${server} answered ${rcodeName(rcode)}: the key may not update ${this.options.name} in zone ${this.options.zone}`,
        };
      case Rcode.SERVFAIL:
        return { kind: 'transient', reason: `${server} answered SERVFAIL` };
      default:
        return { kind: 'fatal', reason: `${server} answered ${rcodeName(rcode)}` };
    }
  }

  /** The reply's bytes, or the failure to get one. */
  private async exchange(message: Uint8Array): Promise<Uint8Array | ProviderFailure> {
    try {
      return await this.upstream.exchange(message, AbortSignal.timeout(this.options.timeoutMs));
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : (error as Error).message;
      return { kind: 'transient', reason: `${this.upstream.url}: ${reason}` };
    }
  }
}

function typeOf(family: Family): number {
  return family === 4 ? RRType.A : RRType.AAAA;
}

function rcodeName(rcode: number): string {
  return RCODE_NAMES[rcode] ?? `rcode ${rcode}`;
}

/** An IP address as it is; a host name looked up by the system resolver at each exchange. */
function serverEndpoint({ host, port }: ServerAddress): Endpoint {
  if (isIP(host)) return { host, port, address: () => Promise.resolve(host), forget: () => {} };
  return { host, port, address: async () => (await lookup(host)).address, forget: () => {} };
}
