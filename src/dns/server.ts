// DNS over UDP and TCP on every listen address. The server only frames
// messages and applies transport rules (size limits, truncation, TCP
// pipelining); what to answer is the Resolver's business, and the resolver
// can be swapped on reload while the sockets stay open.
import { createSocket, type Socket as UdpSocket, type RemoteInfo } from 'node:dgram';
import { createServer, isIPv6, type Server as TcpServer, type Socket as TcpSocket } from 'node:net';
import type { Logger } from '../observe/log.ts';
import type { ListenAddress } from '../values/listen-address.ts';
import { emptyResponse, Rcode, type Query, type Response } from './message.ts';
import type { Client, Resolved, Resolver } from './pipeline.ts';
import { FrameReader, frame } from './framing.ts';
import { TURNED_AWAY, type Admission } from './gate/admission.ts';
import { isUpdate } from './update/message.ts';
import { encodeResponse, parseQuery, responseLimit } from './wire.ts';

/** Answers a query without its TSIG, leaving `reserve` bytes of the size limit for the TSIG to come. */
export type AnswerUnsigned = (unsigned: Uint8Array, reserve: number) => Promise<Uint8Array | undefined>;

/** Answers what needs a key: RFC 2136 UPDATEs, which the resolver does not
 *  see, and queries signed with TSIG, whose answers must be signed too. */
export interface SignedResponder {
  /** The answer to an UPDATE; a pair's standby waits for its master's (RFC 2136 §6). */
  update(message: Uint8Array, client: Client): Uint8Array | Promise<Uint8Array>;
  /** Verifies `message`, has `answer` answer it unsigned, leaving `reserve`
   *  bytes of the size limit for the TSIG to come, and signs that. */
  signedQuery(message: Uint8Array, client: Client, answer: AnswerUnsigned): Promise<Uint8Array | undefined>;
}

/** One answered query, as the query log, statistics and metrics see it. */
export interface AnsweredQuery extends Resolved {
  readonly query: Query;
  readonly client: Client;
  readonly latencyMs: number;
}

export type QueryObserver = (answered: AnsweredQuery) => void;

/** RFC 7766 §6.2.3: close idle connections so clients cannot hold them all. */
const TCP_IDLE_MS = 10_000;
const UDP_RECEIVE_BUFFER = 1 << 20;
/** Open TCP connections at once; more are refused by the kernel's backlog. */
const TCP_MAX_CONNECTIONS = 512;
/** So one client cannot take every slot. */
const TCP_MAX_PER_CLIENT = 64;
/** Queries answered concurrently on one TCP connection before reading pauses. */
const TCP_MAX_IN_FLIGHT = 64;

export class DnsServer {
  private resolver: Resolver;
  private observer: QueryObserver | undefined;
  private signed: SignedResponder | undefined;
  private admission: Admission | undefined;
  private readonly log: Logger;
  private readonly udp: UdpSocket[] = [];
  private readonly tcp: TcpServer[] = [];
  private readonly connections = new Set<TcpSocket>();
  private readonly connectionsPerClient = new Map<string, number>();

  constructor(resolver: Resolver, log: Logger) {
    this.resolver = resolver;
    this.log = log;
  }

  /** Swaps in a new resolver; queries already running finish on the old one. */
  setResolver(resolver: Resolver): void {
    this.resolver = resolver;
  }

  /** Binds every address, or none: after a failed bind the others are closed
   *  again, so the process can exit instead of serving half its config. */
  async listen(addresses: readonly ListenAddress[]): Promise<void> {
    try {
      for (const address of addresses) {
        await this.listenUdp(address);
        await this.listenTcp(address);
      }
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await closeAll(this.udp.splice(0), this.tcp.splice(0));
  }

  /** Opens more addresses at run time (the failover pair's VIP while this
   *  node is master), all or none; returns what closes just those again,
   *  with their TCP connections. Binding the address itself, not 0.0.0.0,
   *  makes replies leave from it: node:dgram cannot choose a source. */
  async attach(addresses: readonly ListenAddress[]): Promise<() => Promise<void>> {
    const udp = new Set<UdpSocket>();
    const tcp = new Set<TcpServer>();
    const detach = async () => {
      const hosts = new Set(addresses.map((address) => address.host));
      for (const socket of this.connections) if (hosts.has(socket.localAddress ?? '')) socket.destroy();
      this.udp.splice(0, this.udp.length, ...this.udp.filter((socket) => !udp.has(socket)));
      this.tcp.splice(0, this.tcp.length, ...this.tcp.filter((server) => !tcp.has(server)));
      await closeAll([...udp], [...tcp]);
    };
    try {
      for (const address of addresses) {
        // Each pushes its socket before binding, so a failed bind is closed too.
        await this.listenUdp(address).finally(() => udp.add(this.udp.at(-1)!));
        await this.listenTcp(address).finally(() => tcp.add(this.tcp.at(-1)!));
      }
    } catch (error) {
      await detach();
      throw error;
    }
    return detach;
  }

  /** Takes UPDATEs and signed queries from now on; without a responder
   *  UPDATEs get NOTIMP and signed queries an unsigned answer. */
  acceptSigned(responder: SignedResponder): void {
    this.signed = responder;
  }

  /** Who may query and how fast (dns.allow, dns.rate_limit); everyone, unlimited, until set. */
  admit(admission: Admission): void {
    this.admission = admission;
  }

  /** The bytes to send back for one message, or undefined to stay silent;
   *  `reserve` bytes under the transport's size limit are left free. */
  answer(message: Uint8Array, client: Client): Promise<Uint8Array | undefined> {
    const admitted = this.admission?.admit(client) ?? 'answer';
    if (admitted !== 'answer') return Promise.resolve(this.turnAway(message, client, TURNED_AWAY[admitted]));
    return this.respond(message, client);
  }

  private async respond(message: Uint8Array, client: Client, reserve = 0): Promise<Uint8Array | undefined> {
    if (this.signed && isUpdate(message)) return this.signed.update(message, client);
    const parsed = parseQuery(message);
    if (parsed.kind === 'drop') return undefined;
    if (parsed.kind === 'signed' && this.signed) return this.signed.signedQuery(message, client, (unsigned, room) => this.respond(unsigned, client, room));
    const limit = responseLimit(parsed.query, client.transport) - reserve;
    if (parsed.kind === 'error') return encodeResponse(parsed.query, emptyResponse(parsed.rcode, 'invalid'), limit);
    const started = this.observer ? performance.now() : 0;
    let resolved: Resolved;
    try {
      resolved = await this.resolver.resolve(parsed.query, client);
    } catch (error) {
      this.log.error({ err: error, name: parsed.query.name, type: parsed.query.type }, 'resolving failed');
      resolved = { response: emptyResponse(Rcode.SERVFAIL, 'servfail'), view: '' };
    }
    this.observer?.({ query: parsed.query, client, ...resolved, latencyMs: performance.now() - started });
    return encodeResponse(parsed.query, resolved.response, limit);
  }

  /** A query the gate turned away: observed like any other, answered with
   *  `response` (a slipped one truncated: its limit is 0), or not at all. */
  private turnAway(message: Uint8Array, client: Client, response: Response): Uint8Array | undefined {
    const parsed = parseQuery(message);
    if (parsed.kind === 'drop') return undefined;
    this.observer?.({ query: parsed.query, client, response, view: '', latencyMs: 0 });
    if (response.source === 'dropped') return undefined;
    return encodeResponse(parsed.query, response, response.source === 'slipped' ? 0 : responseLimit(parsed.query, client.transport));
  }

  /** Hears of every answered query (query log, statistics, metrics); none by default. */
  observe(observer: QueryObserver | undefined): void {
    this.observer = observer;
  }

  private listenUdp(address: ListenAddress): Promise<void> {
    const socket = createSocket({
      type: isIPv6(address.host) ? 'udp6' : 'udp4',
      ipv6Only: isIPv6(address.host),
      // Room for a burst while the event loop is busy (the kernel caps it at net.core.rmem_max).
      recvBufferSize: UDP_RECEIVE_BUFFER,
    });
    socket.on('message', (message: Buffer, remote: RemoteInfo) => {
      // Port 0 cannot be answered (and is never a real client): a forged source.
      if (remote.port === 0) return;
      const client: Client = { address: remote.address, port: remote.port, transport: 'udp' };
      this.answer(message, client)
        .then((reply) => {
          if (reply) socket.send(reply, remote.port, remote.address);
        })
        .catch((error: unknown) => this.log.error({ err: error }, 'udp handler failed'));
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
    server.maxConnections = TCP_MAX_CONNECTIONS;
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

  /** RFC 7766: length-prefixed messages, pipelined (§6.2.1.1: every query is
   *  answered as soon as it is ready, in any order). Reading pauses while too
   *  many answers are pending or unsent, so a client that never reads cannot
   *  make the server buffer without bound. */
  private serveConnection(socket: TcpSocket): void {
    const client: Client = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0, transport: 'tcp' };
    const perClient = this.connectionsPerClient.get(client.address) ?? 0;
    if (perClient >= TCP_MAX_PER_CLIENT) return void socket.destroy();
    this.connectionsPerClient.set(client.address, perClient + 1);
    this.connections.add(socket);
    const reader = new FrameReader();
    let inFlight = 0;
    // RFC 7766 §6.2.3: close idle connections. The timer restarts on whole
    // messages only, so trickling a byte now and then does not hold a slot.
    const idle = setTimeout(() => socket.destroy(), TCP_IDLE_MS);
    const busy = () => inFlight >= TCP_MAX_IN_FLIGHT || socket.writableNeedDrain;
    const resumeIfIdle = () => {
      if (!busy() && socket.isPaused()) socket.resume();
    };
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(idle);
      this.connections.delete(socket);
      const left = (this.connectionsPerClient.get(client.address) ?? 1) - 1;
      if (left > 0) this.connectionsPerClient.set(client.address, left);
      else this.connectionsPerClient.delete(client.address);
    });
    // Messages are started one at a time and only while the connection is
    // under its limit: the rest of a read waits in the reader, so one 64 KB
    // chunk of ~2,000 pipelined queries starts no more than the limit.
    const startQueued = () => {
      if (socket.destroyed) return;
      for (let message = busy() ? undefined : reader.next(); message; message = busy() ? undefined : reader.next()) {
        idle.refresh();
        inFlight++;
        this.answer(message, client)
          .then((reply) => {
            if (socket.destroyed) return;
            // A message we will not answer (a response, a runt): the stream
            // can no longer be trusted to be in step, so end it.
            if (!reply) return void socket.end();
            socket.write(frame(reply));
          })
          .catch((error: unknown) => {
            this.log.error({ err: error }, 'tcp handler failed');
            socket.destroy();
          })
          .finally(() => {
            inFlight--;
            startQueued();
            resumeIfIdle();
          });
      }
      if (busy()) socket.pause();
    };
    socket.on('drain', () => {
      startQueued();
      resumeIfIdle();
    });
    socket.on('data', (chunk: Buffer) => {
      reader.add(chunk);
      startQueued();
    });
  }
}

function closeAll(udp: readonly UdpSocket[], tcp: readonly TcpServer[]): Promise<unknown> {
  return Promise.all([
    ...udp.map(
      (socket) =>
        new Promise<void>((done) => {
          try {
            socket.close(() => done());
          } catch {
            done();
          } // never bound: nothing to close
        }),
    ),
    ...tcp.map((server) => new Promise<void>((done) => server.close(() => done()))),
  ]);
}
