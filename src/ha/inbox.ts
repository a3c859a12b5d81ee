// Where datagrams on `ha.listen` go before the election sees them: only an
// advert from a configured peer, with a valid MAC, fresh (replay.ts), reaches
// it. Everything else is dropped and counted by reason, for the metrics and
// GET /ha; the election never hears of it.
import { decodeAdvert, type Advert } from './advert.ts';
import { ReplayGuard } from './replay.ts';

export type RejectReason = 'unknown_peer' | 'malformed' | 'bad_mac' | 'replay' | 'clock';

export interface Rejection {
  readonly reason: RejectReason;
  readonly from: string;
  /** Clock ms. */
  readonly at: number;
}

export class AdvertInbox {
  readonly rejected = new Map<RejectReason, number>();
  received = 0;
  /** The latest rejection, for GET /ha and the log's first word on a wrong secret. */
  last: Rejection | undefined;
  private readonly guard = new ReplayGuard();
  private readonly secret: Buffer;
  private readonly peers: ReadonlySet<string>;
  private readonly now: () => number;
  private readonly deliver: (address: string, advert: Advert) => void;

  /** `peers` are "host:port" as `ha.peers` lists them (IPv6 in brackets). */
  constructor(secret: Buffer, peers: ReadonlySet<string>, now: () => number, deliver: (address: string, advert: Advert) => void) {
    this.secret = secret;
    this.peers = peers;
    this.now = now;
    this.deliver = deliver;
  }

  /** Returns the rejection, if any, so the caller may log the first of a kind. */
  handle(datagram: Uint8Array, from: { readonly address: string; readonly port: number }): RejectReason | undefined {
    const key = from.address.includes(':') ? `[${from.address}]:${from.port}` : `${from.address}:${from.port}`;
    if (!this.peers.has(key)) return this.reject('unknown_peer', key);
    const decoded = decodeAdvert(datagram, this.secret);
    if (decoded.kind === 'rejected') return this.reject(decoded.reason, key);
    const verdict = this.guard.check(key, decoded.advert, this.now());
    if (verdict !== 'fresh') return this.reject(verdict, key);
    this.received++;
    this.deliver(from.address, decoded.advert);
    return undefined;
  }

  private reject(reason: RejectReason, from: string): RejectReason {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
    this.last = { reason, from, at: this.now() };
    return reason;
  }
}
