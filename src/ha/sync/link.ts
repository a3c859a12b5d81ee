// The link to the peer: one authenticated connection at a time, re-dialled
// with backoff when it drops, carrying typed messages and requests that
// expect a reply. Only one node dials (the one whose `ha.listen` sorts first),
// so the pair never holds two connections that disagree about order.
import type { Server, TLSSocket } from 'node:tls';
import type { Logger } from '../../observe/log.ts';
import { dialChannel, FramedConnection, listenChannel } from './channel.ts';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** What travels: `id` on a request, `re` on its reply. */
interface Envelope {
  readonly type: string;
  readonly body?: unknown;
  readonly id?: number;
  readonly re?: number;
  readonly error?: string;
}

export type Handler = (body: unknown) => unknown;

export interface PeerLinkOptions {
  readonly key: Buffer;
  readonly self: Endpoint;
  readonly peer: Endpoint;
  readonly log: Logger;
}

const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 5_000;
/** A peer that answers no ping for this long is gone (a Pi whose power was cut
 *  leaves a half-open TCP connection that would otherwise look up for minutes). */
const PING_EVERY_MS = 1_000;
const PING_TIMEOUT_MS = 3_000;

export class PeerLink {
  private readonly options: PeerLinkOptions;
  private readonly handlers = new Map<string, Handler>();
  private readonly pending = new Map<number, { done: (body: unknown) => void; fail: (error: Error) => void; timer: NodeJS.Timeout }>();
  private readonly upListeners: (() => void)[] = [];
  private server: Server | undefined;
  private connection: FramedConnection | undefined;
  private nextId = 1;
  private backoff = BACKOFF_FIRST_MS;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  private heartbeat: NodeJS.Timeout | undefined;

  constructor(options: PeerLinkOptions) {
    this.options = options;
    this.handlers.set('ping', () => true);
  }

  /** The side that dials: the lower `host:port` (both nodes compute the same answer). */
  get dials(): boolean {
    const { self, peer } = this.options;
    return `${self.host}:${String(self.port).padStart(5, '0')}` < `${peer.host}:${String(peer.port).padStart(5, '0')}`;
  }

  get isUp(): boolean {
    return this.connection?.isOpen ?? false;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.heartbeat = setInterval(() => this.ping(), PING_EVERY_MS);
    this.heartbeat.unref();
    const { key, log, self, peer } = this.options;
    const allowed = (address: string) => address === peer.host;
    this.server = await listenChannel({ key, log, host: self.host, port: self.port, allowed, accepted: (socket) => this.adopt(socket) });
    if (this.dials) this.dial();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.retry);
    this.connection?.close('stopping');
    const server = this.server;
    if (server) await new Promise<void>((done) => server.close(() => done()));
  }

  /** `handler`'s result (or what its promise resolves to) is the reply to a request. */
  handle(type: string, handler: Handler): void {
    this.handlers.set(type, handler);
  }

  /** Runs each time a connection is up (first time and after every reconnect). */
  onUp(listener: () => void): void {
    this.upListeners.push(listener);
  }

  /** Sends without waiting; false when there is no connection. */
  send(type: string, body: unknown): boolean {
    return this.connection?.send({ type, body } satisfies Envelope) ?? false;
  }

  /** Sends and waits for the peer's reply; rejects when the link is down, the
   *  peer's handler failed, or no reply came within `timeoutMs`. */
  request(type: string, body: unknown, timeoutMs: number): Promise<unknown> {
    const connection = this.connection;
    if (!connection?.isOpen) return Promise.reject(new Error('the peer is not connected'));
    const id = this.nextId++;
    return new Promise((done, fail) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        fail(new Error(`no reply from the peer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { done, fail, timer });
      connection.send({ type, body, id } satisfies Envelope);
    });
  }

  private ping(): void {
    const connection = this.connection;
    if (!connection?.isOpen) return;
    this.request('ping', {}, PING_TIMEOUT_MS).catch(() => {
      if (this.connection === connection) connection.close(`no answer to a ping within ${PING_TIMEOUT_MS} ms`);
    });
  }

  private dial(): void {
    if (this.stopped || this.isUp) return;
    const { key, log, peer } = this.options;
    dialChannel({ key, log, host: peer.host, port: peer.port }).then(
      (socket) => this.adopt(socket),
      (error: Error) => {
        log.debug({ peer, err: error.message, retryMs: this.backoff }, 'sync peer not reachable');
        this.retryLater();
      },
    );
  }

  private retryLater(): void {
    if (this.stopped || !this.dials) return;
    clearTimeout(this.retry);
    // Jitter keeps a restarted pair from dialling in lockstep.
    this.retry = setTimeout(() => this.dial(), this.backoff * (0.75 + Math.random() / 2));
    this.backoff = Math.min(this.backoff * 2, BACKOFF_MAX_MS);
  }

  /** A newer connection replaces an older one: the peer restarted. */
  private adopt(socket: TLSSocket): void {
    if (this.stopped) return void socket.destroy();
    this.connection?.close('replaced by a newer connection');
    const connection: FramedConnection = new FramedConnection(
      socket,
      (message) => this.receive(connection, message),
      (why) => this.dropped(connection, why),
    );
    this.connection = connection;
    this.backoff = BACKOFF_FIRST_MS;
    this.options.log.info({ peer: connection.remote }, 'sync channel up');
    for (const listener of this.upListeners) listener();
  }

  private dropped(connection: FramedConnection, why: string): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.fail(new Error(`the sync channel closed: ${why}`));
      this.pending.delete(id);
    }
    if (!this.stopped) this.options.log.warn({ why }, 'sync channel down');
    this.retryLater();
  }

  private receive(connection: FramedConnection, message: unknown): void {
    if (typeof message !== 'object' || message === null || typeof (message as Envelope).type !== 'string') {
      return connection.close('a message without a type');
    }
    const envelope = message as Envelope;
    if (envelope.type === 'reply') return this.replied(envelope);
    const handler = this.handlers.get(envelope.type);
    const id = envelope.id;
    if (!handler) {
      if (typeof id === 'number') connection.send({ type: 'reply', re: id, error: `unknown message type ${envelope.type}` } satisfies Envelope);
      return;
    }
    Promise.resolve()
      .then(() => handler(envelope.body))
      .then(
        (body) => {
          if (typeof id === 'number') connection.send({ type: 'reply', re: id, body } satisfies Envelope);
        },
        (error: Error) => {
          this.options.log.warn({ type: envelope.type, err: error.message }, 'sync message not applied');
          if (typeof id === 'number') connection.send({ type: 'reply', re: id, error: error.message } satisfies Envelope);
        },
      );
  }

  private replied(envelope: Envelope): void {
    const waiting = typeof envelope.re === 'number' ? this.pending.get(envelope.re) : undefined;
    if (!waiting) return; // late: its request timed out already
    this.pending.delete(envelope.re!);
    clearTimeout(waiting.timer);
    if (typeof envelope.error === 'string') waiting.fail(new Error(envelope.error));
    else waiting.done(envelope.body);
  }
}
