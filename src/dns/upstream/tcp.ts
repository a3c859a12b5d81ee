// DNS over TCP (RFC 7766): the stream transport on a plain connection.
import { connect } from 'node:net';
import { StreamUpstream } from './stream.ts';
import type { Endpoint, Upstream } from './upstream.ts';

export function tcpUpstream(url: string, endpoint: Endpoint): Upstream {
  return new StreamUpstream(url, endpoint, (address) => connect({ host: address, port: endpoint.port }));
}
