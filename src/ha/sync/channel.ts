// The sync channel: TCP between the two nodes' `ha.listen` addresses, TLS 1.3
// with a pre-shared key derived from the pair secret (RFC 8446 §2.2, PSK with
// (EC)DHE). Both ends prove they hold the secret in the handshake's binder
// and Finished messages, so authentication is mutual and nothing (not even a
// hello) reaches a peer that fails it; (EC)DHE keeps past traffic secret
// if the key leaks later. Chosen over certificates derived from the secret:
// no key generation at start, nothing to validate but the key itself.
import { hkdfSync } from 'node:crypto';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import type { Logger } from '../../observe/log.ts';
import { encodeFrame, FrameReader } from './frame.ts';

/** A cipher suite whose hash is SHA-256, as the PSK's is (RFC 8446 §4.2.11). */
const CIPHERS = 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256';
const IDENTITY = 'hearth-pair-sync';
const HANDSHAKE_MS = 5_000;

/** The channel's own key: the pair secret also signs the adverts, and one
 *  key should serve one purpose (RFC 5869 §3.2's info separates them). */
export function channelKey(secret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'hearth', 'hearth ha sync channel v1', 32));
}

/** One authenticated connection, carrying whole messages. */
export class FramedConnection {
  readonly remote: string;
  private readonly socket: TLSSocket;
  private readonly reader = new FrameReader();
  private closed = false;

  constructor(socket: TLSSocket, onMessage: (message: unknown) => void, onClose: (why: string) => void) {
    this.socket = socket;
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      const read = this.reader.push(chunk);
      if (!read.ok) return this.close(read.reason);
      for (const message of read.messages) {
        if (this.closed) return;
        onMessage(message);
      }
    });
    const ended = (why: string) => {
      if (this.closed) return;
      this.closed = true;
      socket.destroy();
      onClose(why);
    };
    this.close = ended;
    socket.on('error', (error) => ended(error.message));
    socket.on('close', () => ended('the peer closed the connection'));
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Queues `message`; false when the connection is gone. */
  send(message: unknown): boolean {
    if (this.closed) return false;
    this.socket.write(encodeFrame(message));
    return true;
  }

  /** Replaced in the constructor by the one that also tells the owner. */
  close: (why: string) => void = () => undefined;
}

export interface ChannelEnds {
  readonly key: Buffer;
  readonly log: Logger;
}

/** Accepts peers on `host:port`; `allowed` says which addresses may connect at all. */
export function listenChannel(
  ends: ChannelEnds & {
    readonly host: string;
    readonly port: number;
    readonly allowed: (address: string) => boolean;
    readonly accepted: (socket: TLSSocket) => void;
  },
): Promise<Server> {
  const server = createServer(
    {
      ciphers: CIPHERS,
      minVersion: 'TLSv1.3',
      pskCallback: () => ends.key,
      handshakeTimeout: HANDSHAKE_MS,
    },
    (socket) => ends.accepted(socket),
  );
  server.on('connection', (socket) => {
    const address = normalize(socket.remoteAddress ?? '');
    if (ends.allowed(address)) return;
    ends.log.warn({ from: address }, 'sync connection refused: the address is not one of ha.peers');
    socket.destroy();
  });
  // A peer with the wrong secret fails the PSK binder check: it gets an alert and nothing else.
  server.on('tlsClientError', (error, socket) => {
    ends.log.warn(
      { from: normalize(socket.remoteAddress ?? ''), reason: error.message.split('\n')[0] },
      'sync connection refused: authentication failed (is ha.secret_file the same on both nodes?)',
    );
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(ends.port, ends.host, () => {
      server.off('error', fail);
      server.on('error', (error) => ends.log.error({ err: error }, 'sync listener error'));
      done(server);
    });
  });
}

/** Connects to a peer; resolves once both sides are authenticated (or fails after `handshakeMs`). */
export function dialChannel(ends: ChannelEnds & { readonly host: string; readonly port: number; readonly handshakeMs?: number }): Promise<TLSSocket> {
  return new Promise((done, fail) => {
    const socket = connect({
      host: ends.host,
      port: ends.port,
      ciphers: CIPHERS,
      minVersion: 'TLSv1.3',
      pskCallback: () => ({ psk: ends.key, identity: IDENTITY }),
      // No certificate is involved: the PSK authenticates the server.
      checkServerIdentity: () => undefined,
    });
    const timer = setTimeout(() => socket.destroy(new Error('the TLS handshake timed out')), ends.handshakeMs ?? HANDSHAKE_MS);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeListener('error', failed);
      done(socket);
    });
    const failed = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      fail(error);
    };
    socket.once('error', failed);
  });
}

/** "::ffff:127.0.0.1" is 127.0.0.1 to the config. */
function normalize(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
