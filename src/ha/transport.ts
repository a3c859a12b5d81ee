// Adverts over UDP: one socket on `ha.listen`, a datagram to every peer.
// This side adds what the election does not know: the boot's random epoch,
// the counter, the timestamp and the MAC (advert.ts).
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { ListenAddress } from '../values/listen-address.ts';
import { encodeAdvert, type Advert } from './advert.ts';

export type AdvertBody = Omit<Advert, 'epoch' | 'counter' | 'sentAt'>;

export class AdvertSocket {
  sent = 0;
  sendErrors = 0;
  private readonly socket: Socket;
  private readonly peers: readonly ListenAddress[];
  private readonly secret: Buffer;
  private readonly epoch = randomBytes(8).readBigUInt64BE();
  private counter = 0n;

  private constructor(socket: Socket, peers: readonly ListenAddress[], secret: Buffer) {
    this.socket = socket;
    this.peers = peers;
    this.secret = secret;
  }

  static open(
    listen: ListenAddress,
    peers: readonly ListenAddress[],
    secret: Buffer,
    receive: (datagram: Buffer, from: { address: string; port: number }) => void,
  ): Promise<AdvertSocket> {
    const socket = createSocket({ type: isIPv6(listen.host) ? 'udp6' : 'udp4', ipv6Only: isIPv6(listen.host) });
    socket.on('message', (datagram, remote) => receive(datagram, remote));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(listen.port, listen.host, () => {
        socket.off('error', reject);
        const opened = new AdvertSocket(socket, peers, secret);
        // A peer that is down answers ICMP unreachable; that is no error of ours.
        socket.on('error', () => opened.sendErrors++);
        resolve(opened);
      });
    });
  }

  send(body: AdvertBody): void {
    const datagram = encodeAdvert({ ...body, epoch: this.epoch, counter: ++this.counter, sentAt: Date.now() }, this.secret);
    for (const peer of this.peers) {
      this.socket.send(datagram, peer.port, peer.host, (error) => {
        if (error) this.sendErrors++;
        else this.sent++;
      });
    }
  }

  close(): Promise<void> {
    return new Promise((done) => {
      try {
        this.socket.close(() => done());
      } catch {
        done();
      }
    });
  }
}
