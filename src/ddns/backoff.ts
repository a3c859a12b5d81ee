// How long to wait after transient failures: exponential, capped, with
// "equal jitter" (half the delay fixed, half random) so homes that lost the
// provider at the same moment do not come back at the same moment. A pause
// the provider asks for (Retry-After, dyndns2's 911) is honoured, within
// reason.

export const BACKOFF = {
  firstMs: 60_000,
  capMs: 6 * 3600_000,
  /** A Retry-After longer than this is taken as this. */
  longestPauseMs: 24 * 3600_000,
} as const;

/** The delay after the `failures`-th transient failure in a row (1, 2, ...); `random` returns [0, 1). */
export function backoffDelay(failures: number, random: () => number, requestedMs = 0): number {
  const ceiling = Math.min(BACKOFF.capMs, BACKOFF.firstMs * 2 ** Math.max(0, failures - 1));
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  return Math.max(jittered, Math.min(requestedMs, BACKOFF.longestPauseMs));
}
