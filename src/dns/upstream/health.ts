// What the pool knows about one upstream: how fast it answers (an EWMA of
// its latency) and whether it is backed off after failures. A backed-off
// upstream is skipped until its back-off ends; the next query it gets is the
// probe that brings it back (or backs it off for longer).

const ALPHA = 0.3;
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;

export class UpstreamHealth {
  /** Unknown until the first answer: 0 makes a new upstream tried early. */
  latencyMs = 0;
  private failures = 0;
  private backoffUntil = 0;

  succeeded(latencyMs: number): void {
    this.latencyMs = this.latencyMs === 0 ? latencyMs : ALPHA * latencyMs + (1 - ALPHA) * this.latencyMs;
    this.failures = 0;
    this.backoffUntil = 0;
  }

  failed(now: number): void {
    this.failures++;
    this.backoffUntil = now + Math.min(FIRST_BACKOFF_MS * 2 ** (this.failures - 1), MAX_BACKOFF_MS);
  }

  isBackedOff(now: number): boolean {
    return now < this.backoffUntil;
  }

  /** For parallel_best's weighted pick: fast and healthy weighs most. */
  weight(now: number): number {
    if (this.isBackedOff(now)) return 0.01;
    return 1 / (1 + this.latencyMs);
  }
}
