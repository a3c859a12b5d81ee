// DNS over UDP and TCP on every listen address. The server only frames
// messages and applies transport rules (size limits, truncation, TCP
// pipelining); what to answer is the Resolver's business, and the resolver
// can be swapped on reload while the sockets stay open.
import { createSocket, type Socket as UdpSocket, type RemoteInfo } from 'node:dgram';
import { createServer, isIPv6, type Server as TcpServer, type Socket as TcpSocket } from 'node:net';
import type { Logger } from '../observe/log.ts';
import type { ListenAddress } from '../config/types.ts';
import { emptyResponse, Rcode, type Query, type Response } from './message.ts';
import type { Client } from './pipeline.ts';
import { encodeResponse, parseQuery, responseLimit } from './wire.ts';

export interface Resolver {
  resolve(query: Query, client: Client): Promise<Response>;
}

/** RFC 7766 §6.2.3: close idle connections so clients cannot hold them all. */
const TCP_IDLE_MS = 10_000;
const UDP_RECEIVE_BUFFER = 1 << 20;
/** Queries answered concurrently on one TCP connection before reading pauses. */
const TCP_MAX_IN_FLIGHT = 64;

export class DnsServer {
  private resolver: Resolver;
  private readonly log: Logger;
  private readonly udp: UdpSocket[] = [];
  private readonly tcp: TcpServer[] = [];
  private readonly connections = new Set<TcpSocket>();

  constructor(resolver: Resolver, log: Logger) {
    this.resolver = resolver;
    this.log = log;
  }

  /** Swaps in a new resolver; queries already running finish on the old one. */
  setResolver(resolver: Resolver): void {
    this.resolver = resolver;
  }

  async listen(addresses: readonly ListenAddress[]): Promise<void> {
    for (const address of addresses) {
      await this.listenUdp(address);
      await this.listenTcp(address);
    }
  }

  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await Promise.all([
      ...this.udp.map((socket) => new Promise<void>((done) => socket.close(() => done()))),
      ...this.tcp.map((server) => new Promise<void>((done) => server.close(() => done()))),
    ]);
  }

  /** The bytes to send back for one message, or undefined to stay silent. */
  async answer(message: Uint8Array, client: Client): Promise<Uint8Array | undefined> {
    const parsed = parseQuery(message);
    if (parsed.kind === 'drop') return undefined;
    const limit = responseLimit(parsed.query, client.transport);
    if (parsed.kind === 'error') return encodeResponse(parsed.query, emptyResponse(parsed.rcode, 'invalid'), limit);
    let response: Response;
    try {
      response = await this.resolver.resolve(parsed.query, client);
    } catch (error) {
      this.log.error({ err: error, name: parsed.query.name, type: parsed.query.type }, 'resolving failed');
      response = emptyResponse(Rcode.SERVFAIL, 'servfail');
    }
    return encodeResponse(parsed.query, response, limit);
  }

  private listenUdp(address: ListenAddress): Promise<void> {
    const socket = createSocket({
      type: isIPv6(address.host) ? 'udp6' : 'udp4',
      ipv6Only: isIPv6(address.host),
      // Room for a burst while the event loop is busy (the kernel caps it at net.core.rmem_max).
      recvBufferSize: UDP_RECEIVE_BUFFER,
    });
    socket.on('message', (message: Buffer, remote: RemoteInfo) => {
      const client: Client = { address: remote.address, port: remote.port, transport: 'udp' };
      this.answer(message, client).then((reply) => {
        if (reply) socket.send(reply, remote.port, remote.address);
      }, (error: unknown) => this.log.error({ err: error }, 'udp handler failed'));
    });
    socket.on('error', (error) => this.log.error({ err: error, listen: address }, 'udp socket error'));
    this.udp.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(address.port, address.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
  }

  private listenTcp(address: ListenAddress): Promise<void> {
    const server = createServer({ noDelay: true }, (socket) => this.serveConnection(socket));
    server.on('error', (error) => this.log.error({ err: error, listen: address }, 'tcp server error'));
    this.tcp.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: address.port, host: address.host, ipv6Only: isIPv6(address.host) }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  /** RFC 1035 §4.2.2 framing (two-octet length prefix) with RFC 7766 §6.2.1.1
   *  pipelining: every query is answered as soon as it is ready, in any order. */
  private serveConnection(socket: TcpSocket): void {
    this.connections.add(socket);
    const client: Client = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0, transport: 'tcp' };
    let pending: Buffer = Buffer.alloc(0);
    let inFlight = 0;
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (pending.length < 2 + length) break;
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        inFlight++;
        if (inFlight >= TCP_MAX_IN_FLIGHT) socket.pause();
        this.answer(message, client).then((reply) => {
          if (reply && !socket.destroyed) {
            const frame = Buffer.allocUnsafe(2 + reply.length);
            frame.writeUInt16BE(reply.length, 0);
            frame.set(reply, 2);
            socket.write(frame);
          } else if (!reply) {
            // A message we will not answer (a response, a runt): the stream
            // can no longer be trusted to be in step, so end it.
            socket.end();
          }
        }, (error: unknown) => {
          this.log.error({ err: error }, 'tcp handler failed');
          socket.destroy();
        }).finally(() => {
          if (--inFlight < TCP_MAX_IN_FLIGHT && socket.isPaused()) socket.resume();
        });
      }
    });
  }
}
