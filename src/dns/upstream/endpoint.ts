// Where an upstream lives. An IP literal in the URL is used as it is; a
// hostname is looked up through the bootstrap servers over plain UDP (hearth
// cannot ask itself, and the system resolver may well be hearth), and the
// address is kept for its record's TTL.
import { isIP } from 'node:net';
import { parseName } from '../name.ts';
import { RRType, type Name, type ResourceRecord } from '../record.ts';
import { buildQuery, isServerFailure, parseReply } from './message.ts';
import { udpUpstream } from './udp.ts';
import type { Endpoint, Upstream } from './upstream.ts';

/** Not to hammer the bootstrap servers when a record's TTL is tiny. */
const MIN_TTL_S = 30;
const LOOKUP_TIMEOUT_MS = 2_000;

interface Lookup {
  readonly address: Promise<string>;
  expires: number;
}

/** The endpoint of `host`:`port`. `bootstrap` holds IP addresses, each
 *  optionally with a port (`192.0.2.1:5353`, `[2001:db8::1]:53`; default 53).
 *  Throws when `host` is a name and `bootstrap` is empty or malformed. */
export function bootstrapEndpoint(host: string, port: number, bootstrap: readonly string[]): Endpoint {
  if (isIP(host)) return { host, port, address: () => Promise.resolve(host), forget: () => {} };
  const name = parseName(host);
  if (bootstrap.length === 0) throw new Error(`the upstream host ${host} needs bootstrap servers to look it up`);
  const servers = bootstrap.map((server) => {
    const { address, port: serverPort } = parseServer(server);
    return udpUpstream(`udp://${server}`, bootstrapEndpoint(address, serverPort, []));
  });
  let lookup: Lookup | undefined;
  return {
    host,
    port,
    address() {
      if (lookup && Date.now() < lookup.expires) return lookup.address;
      const fresh: Lookup = {
        address: resolve(name, servers).then(({ address, ttl }) => {
          fresh.expires = Date.now() + Math.max(ttl, MIN_TTL_S) * 1000;
          return address;
        }),
        expires: Infinity, // until the lookup ends, its callers share it
      };
      fresh.address.catch(() => {
        if (lookup === fresh) lookup = undefined;
      });
      lookup = fresh;
      return fresh.address;
    },
    forget() {
      lookup = undefined;
    },
  };
}

function parseServer(server: string): { address: string; port: number } {
  if (isIP(server)) return { address: server, port: 53 };
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(server) ?? /^([^:]+):(\d+)$/.exec(server);
  const port = Number(match?.[2]);
  if (!match || !isIP(match[1]!) || port < 1 || port > 65535) {
    throw new Error(`bootstrap server ${server} is not an IP address (with an optional :port)`);
  }
  return { address: match[1]!, port };
}

/** An A record, or an AAAA record when the name has no A, from the first
 *  bootstrap server that answers; with the records' TTL. */
async function resolve(name: Name, servers: readonly Upstream[]): Promise<{ address: string; ttl: number }> {
  const failures: string[] = [];
  for (const [type, size] of [
    [RRType.A, 4],
    [RRType.AAAA, 16],
  ] as const) {
    const records = await ask(name, type, servers, failures);
    if (!records) break;
    const addresses = records.filter((record) => record.type === type && record.rdata.length === size);
    const first = addresses[0];
    if (first) return { address: addressText(first.rdata), ttl: Math.min(...addresses.map((record) => record.ttl)) };
  }
  throw new Error(`cannot look up ${name} through the bootstrap servers (${failures.join('; ') || 'no A or AAAA record'})`);
}

/** The answer records from the first server that answers, or undefined when none does. */
async function ask(name: Name, type: number, servers: readonly Upstream[], failures: string[]): Promise<readonly ResourceRecord[] | undefined> {
  const query = buildQuery({ name, type, dnssecOk: false, checkingDisabled: false });
  for (const server of servers) {
    try {
      const reply = parseReply(await server.exchange(query, AbortSignal.timeout(LOOKUP_TIMEOUT_MS)), `upstream:${server.url}`);
      if (!isServerFailure(reply)) return reply.answer;
      failures.push(`${server.url}: rcode ${reply.rcode}`);
    } catch (error) {
      failures.push(`${server.url}: ${(error as Error).message}`);
    }
  }
  return undefined;
}

function addressText(rdata: Uint8Array): string {
  if (rdata.length === 4) return rdata.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((rdata[i]! << 8) | rdata[i + 1]!).toString(16));
  return groups.join(':');
}
