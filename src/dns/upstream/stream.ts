// DNS over a byte stream, shared by TCP (RFC 7766) and TLS (RFC 7858): one
// connection per upstream, opened by the first query and reused by the next
// ones, many queries in flight at once with replies in any order, matched by
// an ID unique on the connection (RFC 7766 §6.2.1.1). A connection without
// traffic for 10 s is closed (§6.2.3); the next query opens a new one. When a
// connection is lost, the queries on it reject and the caller retries
// elsewhere: whether the server acted on them is unknown.
import type { Socket } from 'node:net';
import { FrameReader, frame } from '../framing.ts';
import type { Endpoint, Upstream } from './upstream.ts';
import { abortable } from './abortable.ts';
import { isReplyTo, withId } from './message.ts';

/** Opens the connection to `address` (the endpoint's port and TLS settings are the dialer's). */
export type Dial = (address: string) => Socket;

const IDLE_MS = 10_000;
const MAX_IN_FLIGHT = 0x10000;

export class StreamUpstream implements Upstream {
  readonly url: string;
  private readonly endpoint: Endpoint;
  private readonly dial: Dial;
  private connection: Promise<Connection> | undefined;

  constructor(url: string, endpoint: Endpoint, dial: Dial) {
    this.url = url;
    this.endpoint = endpoint;
    this.dial = dial;
  }

  async exchange(message: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    const connection = await abortable(this.connect(), signal);
    return connection.exchange(message, signal);
  }

  close(): void {
    const connection = this.connection;
    this.connection = undefined;
    connection?.then(
      (open) => open.close(new Error(`${this.url}: upstream closed`)),
      () => {},
    );
  }

  private connect(): Promise<Connection> {
    if (this.connection) return this.connection;
    const opening = this.endpoint.address().then(
      (address) =>
        new Connection(this.url, this.dial(address), (failed) => {
          if (this.connection === opening) this.connection = undefined;
          if (failed) this.endpoint.forget();
        }),
    );
    opening.catch(() => {
      if (this.connection === opening) this.connection = undefined;
    });
    this.connection = opening;
    return opening;
  }
}

interface InFlight {
  readonly query: Uint8Array;
  readonly end: (reply: Uint8Array | undefined, error?: unknown) => void;
}

class Connection {
  private readonly url: string;
  private readonly socket: Socket;
  private readonly inFlight = new Map<number, InFlight>();
  private readonly reader = new FrameReader();
  private readonly onClose: (failed: boolean) => void;
  private nextId = 0;
  private closed = false;

  /** `onClose(failed)` runs once, as soon as the connection is unusable. */
  constructor(url: string, socket: Socket, onClose: (failed: boolean) => void) {
    this.url = url;
    this.socket = socket;
    let failure: Error | undefined;
    socket.setNoDelay(true);
    socket.setTimeout(IDLE_MS, () => this.close(new Error(`${url}: no traffic for ${IDLE_MS / 1000} s`)));
    socket.on('data', (chunk: Buffer) => {
      for (const reply of this.reader.push(chunk)) this.deliver(reply);
    });
    socket.on('error', (error) => {
      failure = error;
    });
    socket.on('close', () => this.close(failure ?? new Error(`${url}: connection closed`), failure !== undefined));
    this.onClose = onClose;
    this.idle();
  }

  exchange(message: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error(`${this.url}: connection closed`));
      if (this.inFlight.size >= MAX_IN_FLIGHT) return reject(new Error(`${this.url}: too many queries in flight`));
      while (this.inFlight.has(this.nextId)) this.nextId = (this.nextId + 1) & 0xffff;
      const id = this.nextId;
      this.nextId = (id + 1) & 0xffff;
      const query = withId(message, id);
      const end = (reply: Uint8Array | undefined, error?: unknown): void => {
        this.inFlight.delete(id);
        signal.removeEventListener('abort', abort);
        this.idle();
        if (reply) resolve(reply);
        else reject(error);
      };
      const abort = (): void => end(undefined, signal.reason);
      if (signal.aborted) return abort();
      signal.addEventListener('abort', abort, { once: true });
      this.inFlight.set(id, { query, end });
      this.socket.ref();
      this.socket.write(frame(query));
    });
  }

  /** Rejects every query in flight and closes the socket; `failed` when the
   *  connection broke rather than ended. */
  close(error: Error, failed = false): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    for (const { end } of this.inFlight.values()) end(undefined, error);
    this.onClose(failed);
  }

  private deliver(reply: Buffer): void {
    if (reply.length < 2) return;
    const query = this.inFlight.get(reply.readUInt16BE(0));
    // An unknown ID answers a query that was given up on: ignore it.
    if (!query) return;
    // A copy: the reply may be kept (cached) long after the chunk it came in.
    if (isReplyTo(query.query, reply)) query.end(new Uint8Array(reply));
    else query.end(undefined, new Error(`${this.url}: reply does not match the question`));
  }

  /** An idle connection must not keep the process alive. */
  private idle(): void {
    if (this.inFlight.size === 0) this.socket.unref();
  }
}
