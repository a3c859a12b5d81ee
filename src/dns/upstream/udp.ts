// DNS over UDP (RFC 1035 §4.2.1), hardened against spoofed replies: every
// query gets its own socket on a random source port and a random ID (RFC 5452
// §9.2), and only a reply from the server that carries that ID and the same
// question is taken (§9.1); anything else is ignored while the query waits. A
// truncated reply sends the query again over TCP (RFC 7766 §5).
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { abortable } from './abortable.ts';
import { isReplyTo, isTruncated, withId } from './message.ts';
import { tcpUpstream } from './tcp.ts';
import type { Endpoint, Upstream } from './upstream.ts';

export function udpUpstream(url: string, endpoint: Endpoint): Upstream {
  return new UdpUpstream(url, endpoint, tcpUpstream(url, endpoint));
}

class UdpUpstream implements Upstream {
  readonly url: string;
  private readonly endpoint: Endpoint;
  private readonly tcp: Upstream;
  /** Ends each exchange in flight, for close(). */
  private readonly pending = new Set<(reply: undefined, error: Error) => void>();

  constructor(url: string, endpoint: Endpoint, tcp: Upstream) {
    this.url = url;
    this.endpoint = endpoint;
    this.tcp = tcp;
  }

  async exchange(message: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    const address = await abortable(this.endpoint.address(), signal);
    const reply = await this.send(withId(message, randomInt(0x10000)), address, signal);
    return isTruncated(reply) ? this.tcp.exchange(message, signal) : reply;
  }

  close(): void {
    for (const end of this.pending) end(undefined, new Error(`${this.url}: upstream closed`));
    this.tcp.close();
  }

  private send(query: Uint8Array, address: string, signal: AbortSignal): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      // Port 0: the kernel picks a random source port. Connecting the socket
      // makes the kernel drop datagrams from any other address or port, and
      // report an ICMP port unreachable as an error at once.
      const socket = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
      const end = (reply: Uint8Array | undefined, error?: unknown): void => {
        if (!this.pending.delete(end)) return;
        signal.removeEventListener('abort', abort);
        socket.close();
        if (reply) return resolve(reply);
        this.endpoint.forget();
        reject(error);
      };
      const abort = (): void => end(undefined, signal.reason);
      this.pending.add(end);
      if (signal.aborted) return abort();
      signal.addEventListener('abort', abort, { once: true });
      socket.on('message', (reply: Buffer) => {
        if (isReplyTo(query, reply)) end(reply);
      });
      socket.on('error', (error) => end(undefined, error));
      socket.connect(this.endpoint.port, address, () => socket.send(query));
    });
  }
}
