// DNS over TLS (RFC 7858): the stream transport inside TLS, with the server's
// certificate checked against the host in the URL (RFC 8310 §5, the strict
// profile: an upstream that cannot prove who it is is not used).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { connect, createSecureContext, getCACertificates, type SecureContext } from 'node:tls';
import { StreamUpstream } from './stream.ts';
import type { Endpoint, Upstream } from './upstream.ts';

/** What a tls:// or https:// upstream's certificate is checked against: the
 *  system's CA store and Node's defaults (which honour NODE_EXTRA_CA_CERTS),
 *  plus `caFile`. Built once per upstream, as parsing hundreds of CAs takes
 *  milliseconds, too long for every connection. */
export function trustContext(caFile: string | undefined): SecureContext {
  const cas = new Set([...getCACertificates('default'), ...getCACertificates('system')]);
  if (caFile !== undefined) {
    try {
      cas.add(readFileSync(caFile, 'utf8'));
    } catch (error) {
      throw new Error(`cannot read the CA file ${caFile}: ${(error as Error).message}`);
    }
  }
  return createSecureContext({ ca: [...cas] });
}

/** The name to send in SNI and check the certificate against; RFC 6066 §3
 *  allows no IP literals in SNI (the certificate's IP addresses are checked). */
export function serverName(host: string): string | undefined {
  return isIP(host) ? undefined : host;
}

export function tlsUpstream(url: string, endpoint: Endpoint, secureContext: SecureContext): Upstream {
  const servername = serverName(endpoint.host);
  return new StreamUpstream(url, endpoint, (address) =>
    connect({
      host: address,
      port: endpoint.port,
      secureContext,
      ALPNProtocols: ['dot'],
      ...(servername ? { servername } : {}),
    }),
  );
}
