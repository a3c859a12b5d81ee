// The clock skew between the two nodes, measured as NTP does (RFC 5905
// §8, one exchange): offset = peer's time − the midpoint of send and receive.
// Shown, not corrected: lease ends travel as durations, so skew does not
// change a lease's length (Kea HA instead ends the pair past 60 s of skew).
import { z } from 'zod';
import type { Logger } from '../../observe/log.ts';
import type { PeerLink } from './link.ts';

const EVERY_MS = 10_000;
/** Skew past this is logged: certificates, TSIG (RFC 8945 §5.2.3 fudge 300 s) and logs suffer. */
export const SKEW_WARN_MS = 30_000;

export interface SkewStatus {
  /** The peer's clock minus this one's, ms; undefined until measured. */
  readonly offsetMs: number | undefined;
  /** Round trip of the measuring exchange, the bound on the offset's error. */
  readonly roundTripMs: number | undefined;
}

export class ClockSkew {
  private readonly link: PeerLink;
  private readonly log: Logger;
  private readonly timer: NodeJS.Timeout;
  private measured: SkewStatus = { offsetMs: undefined, roundTripMs: undefined };

  constructor(link: PeerLink, log: Logger) {
    this.link = link;
    this.log = log;
    link.handle('clock', () => ({ now: Date.now() }));
    link.onUp(() => void this.measure());
    this.timer = setInterval(() => void this.measure(), EVERY_MS);
    this.timer.unref();
  }

  status(): SkewStatus {
    return this.measured;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async measure(): Promise<void> {
    if (!this.link.isUp) return;
    const sent = Date.now();
    const reply = await this.link.request('clock', {}, 5_000).catch(() => undefined);
    const parsed = z.object({ now: z.number() }).safeParse(reply);
    if (!parsed.success) return;
    const received = Date.now();
    const offsetMs = Math.round(parsed.data.now - (sent + received) / 2);
    if (Math.abs(offsetMs) > SKEW_WARN_MS && Math.abs(this.measured.offsetMs ?? 0) <= SKEW_WARN_MS) {
      this.log.warn({ offsetMs }, "the peer's clock is off by more than 30 s: leases stay right (they travel as durations), but check NTP on both");
    }
    this.measured = { offsetMs, roundTripMs: received - sent };
  }
}
