// DNS over UDP (RFC 1035 §4.2.1), hardened against spoofed replies: queries
// leave from random source ports with random IDs (RFC 5452 §9.2, through
// udp-sockets.ts), and only a reply from the server that carries that ID and
// the same question is taken (§9.1); anything else is ignored while the query
// waits. A truncated reply sends the query again over TCP (RFC 7766 §5).
import { abortable } from './abortable.ts';
import { isTruncated } from './message.ts';
import { tcpUpstream } from './tcp.ts';
import type { Endpoint, Upstream } from './upstream.ts';
import { UdpSockets } from './udp-sockets.ts';

export function udpUpstream(url: string, endpoint: Endpoint): Upstream {
  return new UdpUpstream(url, endpoint, tcpUpstream(url, endpoint));
}

class UdpUpstream implements Upstream {
  readonly url: string;
  private readonly endpoint: Endpoint;
  private readonly tcp: Upstream;
  /** The sockets to the address the endpoint gave last. */
  private sockets: { readonly address: string; readonly pool: UdpSockets } | undefined;

  constructor(url: string, endpoint: Endpoint, tcp: Upstream) {
    this.url = url;
    this.endpoint = endpoint;
    this.tcp = tcp;
  }

  async exchange(message: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    const address = await abortable(this.endpoint.address(), signal);
    const reply = await this.send(message, this.socketsTo(address), signal);
    return isTruncated(reply) ? this.tcp.exchange(message, signal) : reply;
  }

  close(): void {
    this.sockets?.pool.close(new Error(`${this.url}: upstream closed`));
    this.sockets = undefined;
    this.tcp.close();
  }

  /** A hostname upstream may move: its old address's sockets close once idle. */
  private socketsTo(address: string): UdpSockets {
    if (this.sockets?.address === address) return this.sockets.pool;
    this.sockets?.pool.retire();
    this.sockets = { address, pool: new UdpSockets(address, this.endpoint.port) };
    return this.sockets.pool;
  }

  private send(query: Uint8Array, sockets: UdpSockets, signal: AbortSignal): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      let settled = false;
      const end = (reply: Uint8Array | undefined, error?: unknown): void => {
        if (settled) return;
        settled = true;
        stop();
        signal.removeEventListener('abort', abort);
        if (reply) return resolve(reply);
        this.endpoint.forget();
        reject(error);
      };
      const abort = (): void => end(undefined, signal.reason);
      const stop = sockets.send(query, end);
      signal.addEventListener('abort', abort, { once: true });
    });
  }
}
