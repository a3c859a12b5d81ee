// Upstream URLs as the config writes them: udp://HOST[:PORT], tcp://…,
// tls://… (DoT) and https://HOST[:PORT][/PATH] (DoH), IPv6 literals in
// brackets. The config schema validates with parseUpstreamUrl, so every
// error here says what is wrong with the URL.
import { isIP } from 'node:net';

/** RFC 1035 §4.2, RFC 7858 §3.1, and HTTPS with the path of RFC 8484's examples (§4.1.1). */
const DEFAULT_PORTS = { udp: 53, tcp: 53, tls: 853, https: 443 } as const;
const DEFAULT_PATH = '/dns-query';

export type Protocol = keyof typeof DEFAULT_PORTS;

export interface UpstreamUrl {
  readonly protocol: Protocol;
  /** A hostname or an IP literal, without brackets. */
  readonly host: string;
  readonly port: number;
  /** The HTTP path (and query) for https://, empty for the others. */
  readonly path: string;
}

export function parseUpstreamUrl(url: string): UpstreamUrl {
  const bad = (why: string): Error => new Error(`upstream "${url}": ${why}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad('not a URL like udp://, tcp://, tls:// or https://HOST[:PORT]');
  }
  const protocol = parsed.protocol.slice(0, -1);
  if (!Object.hasOwn(DEFAULT_PORTS, protocol)) throw bad(`unknown scheme ${parsed.protocol}// (use udp, tcp, tls or https)`);
  const scheme = protocol as Protocol;
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!isIP(host) && !/^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/i.test(host)) throw bad(`"${parsed.hostname}" is not a hostname or IP address`);
  if (parsed.username || parsed.password || parsed.hash) throw bad('no user, password or #fragment allowed');
  const port = parsed.port === '' ? DEFAULT_PORTS[scheme] : Number(parsed.port);
  if (port === 0) throw bad('port 0');
  if (scheme !== 'https') {
    if ((parsed.pathname !== '' && parsed.pathname !== '/') || parsed.search) throw bad(`a ${scheme}:// upstream has no path`);
    return { protocol: scheme, host, port, path: '' };
  }
  return { protocol: scheme, host, port, path: (parsed.pathname === '/' ? DEFAULT_PATH : parsed.pathname) + parsed.search };
}
