// The sockets a UDP upstream sends from: a few connected sockets, each on a
// port the kernel picks at random, shared by the queries in flight and told
// apart by a random ID (RFC 5452 §9.2: the ID and the source port are the two
// things a spoofer has to guess). A socket per query cost a bind, a connect
// and a close each time, and the garbage of a socket object per answer;
// retiring each socket after a number of queries keeps the source port
// moving as a socket per query did (dnsmasq keeps 64 random-port sockets the
// same way).
import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { isReplyTo } from './message.ts';

/** Sockets open at once per upstream address: the spread of source ports. */
export const SOCKETS = 8;
/** Queries a socket sends before it is closed and another port is taken. */
export const QUERIES_PER_SOCKET = 64;

/** Settles one query: with the reply, or with the error that ended it. */
type Settle = (reply: Uint8Array | undefined, error?: unknown) => void;

interface Waiting {
  readonly query: Uint8Array;
  readonly settle: Settle;
}

/** One connected socket and the queries waiting on it, by ID. */
class PortSocket {
  readonly waiting = new Map<number, Waiting>();
  private readonly socket: Socket;
  private readonly ready: Promise<void>;
  private sent = 0;
  private closed = false;

  constructor(address: string, port: number) {
    // Port 0: the kernel picks a random source port. Connecting makes the
    // kernel drop datagrams from any other address or port and report an
    // ICMP port unreachable as an error at once.
    this.socket = createSocket(isIPv6(address) ? 'udp6' : 'udp4');
    this.ready = new Promise((resolve) => this.socket.connect(port, address, resolve));
    this.socket.on('message', (reply: Buffer) => {
      if (reply.length < 2) return;
      const waiting = this.waiting.get((reply[0]! << 8) | reply[1]!);
      // Anything else (another ID, another question) is ignored while the query waits (RFC 5452 §9.1).
      if (waiting && isReplyTo(waiting.query, reply)) waiting.settle(reply);
    });
    // ECONNREFUSED and the like end every query on this socket.
    this.socket.on('error', (error) => this.fail(error));
  }

  /** True while it may take another query. */
  get usable(): boolean {
    return !this.closed && this.sent < QUERIES_PER_SOCKET;
  }

  /** An ID no query waiting here has. */
  freeId(): number {
    for (;;) {
      const id = randomInt(0x10000);
      if (!this.waiting.has(id)) return id;
    }
  }

  send(id: number, waiting: Waiting): void {
    this.sent++;
    this.waiting.set(id, waiting);
    void this.ready.then(() => {
      if (!this.closed) this.socket.send(waiting.query);
    });
  }

  /** Stops waiting for `id`; the socket closes once retired and idle. */
  forget(id: number): void {
    this.waiting.delete(id);
    if (!this.usable) this.closeIfIdle();
  }

  closeIfIdle(): void {
    if (this.waiting.size > 0 || this.closed) return;
    this.closed = true;
    this.socket.close();
  }

  /** Takes no more queries; closes once those waiting are done. */
  retire(): void {
    this.sent = QUERIES_PER_SOCKET;
    this.closeIfIdle();
  }

  fail(error: unknown): void {
    for (const { settle } of [...this.waiting.values()]) settle(undefined, error);
    this.waiting.clear();
    this.retire();
  }
}

/** The sockets to one server address. */
export class UdpSockets {
  private readonly slots: (PortSocket | undefined)[] = new Array<PortSocket | undefined>(SOCKETS).fill(undefined);
  private readonly address: string;
  private readonly port: number;

  constructor(address: string, port: number) {
    this.address = address;
    this.port = port;
  }

  /** Sends `query` (its ID is replaced by a fresh random one) from a socket
   *  picked at random; `settle` gets the matching reply or the socket's error.
   *  Returns the function that stops waiting (after an abort or a settle). */
  send(query: Uint8Array, settle: Settle): () => void {
    const at = randomInt(SOCKETS);
    let socket = this.slots[at];
    if (!socket?.usable) {
      socket?.closeIfIdle();
      this.slots[at] = socket = new PortSocket(this.address, this.port);
    }
    const id = socket.freeId();
    const sent = query.slice();
    sent[0] = id >> 8;
    sent[1] = id & 0xff;
    const chosen = socket;
    socket.send(id, { query: sent, settle });
    return () => chosen.forget(id);
  }

  /** Takes no more queries; each socket closes once its queries are done. */
  retire(): void {
    for (const socket of this.slots) socket?.retire();
    this.slots.fill(undefined);
  }

  /** Ends every waiting query with `error` and closes the sockets. */
  close(error: Error): void {
    for (const socket of this.slots) socket?.fail(error);
    this.slots.fill(undefined);
  }
}
