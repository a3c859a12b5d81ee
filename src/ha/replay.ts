// Anti-replay for adverts that carry a valid MAC: a recorded advert sent
// again must not move the election. Within an epoch (one boot of the peer)
// the counter must go up; a new epoch is only believed with a fresh
// timestamp, and an epoch once left is never taken back.
import type { Advert } from './advert.ts';

/** How far a new epoch's timestamp may be from our clock. Pis have no RTC:
 *  wide enough for a clock NTP has not corrected yet, narrow enough that a
 *  recording from an earlier boot is stale. */
export const MAX_CLOCK_SKEW_MS = 30_000;
/** Epochs remembered per peer, so an old boot's adverts can't come back. */
const LEFT_EPOCHS = 8;

export type ReplayVerdict = 'fresh' | 'replay' | 'clock';

interface PeerCounter {
  epoch: bigint;
  counter: bigint;
  readonly left: bigint[];
}

export class ReplayGuard {
  private readonly peers = new Map<string, PeerCounter>();

  /** Judges `advert` from `peer` (its address); only a fresh one is remembered. */
  check(peer: string, advert: Advert, now: number): ReplayVerdict {
    const known = this.peers.get(peer);
    if (known && advert.epoch === known.epoch) {
      if (advert.counter <= known.counter) return 'replay';
      known.counter = advert.counter;
      return 'fresh';
    }
    if (known?.left.includes(advert.epoch)) return 'replay';
    if (Math.abs(advert.sentAt - now) > MAX_CLOCK_SKEW_MS) return 'clock';
    if (known) {
      known.left.push(known.epoch);
      if (known.left.length > LEFT_EPOCHS) known.left.shift();
      known.epoch = advert.epoch;
      known.counter = advert.counter;
    } else {
      this.peers.set(peer, { epoch: advert.epoch, counter: advert.counter, left: [] });
    }
    return 'fresh';
  }
}
