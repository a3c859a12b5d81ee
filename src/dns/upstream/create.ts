// An Upstream from its URL: the transport for the scheme, connected to an
// endpoint that resolves the URL's hostname through the bootstrap servers.
import { bootstrapEndpoint } from './endpoint.ts';
import { httpsUpstream } from './https.ts';
import { tcpUpstream } from './tcp.ts';
import { tlsUpstream, trustContext } from './tls.ts';
import { udpUpstream } from './udp.ts';
import type { Upstream, UpstreamOptions } from './upstream.ts';
import { parseUpstreamUrl } from './url.ts';

/** The Upstream for `url`; throws an Error that names the URL when it is not usable. */
export function createUpstream(url: string, options: UpstreamOptions): Upstream {
  const { protocol, host, port, path } = parseUpstreamUrl(url);
  try {
    const endpoint = bootstrapEndpoint(host, port, options.bootstrap);
    switch (protocol) {
      case 'udp':
        return udpUpstream(url, endpoint);
      case 'tcp':
        return tcpUpstream(url, endpoint);
      case 'tls':
        return tlsUpstream(url, endpoint, trustContext(options.caFile));
      case 'https':
        return httpsUpstream(url, endpoint, path, trustContext(options.caFile));
    }
  } catch (error) {
    throw new Error(`upstream "${url}": ${(error as Error).message}`);
  }
}
