// UPDATEs seen within their time window, by MAC (RFC 8945 §5.2.3 bounds how
// long a signed message is good for, but within that window a copy captured
// on the LAN would be applied again: re-adding a record deleted since). A
// message seen before gets the answer it got the first time, and is not
// applied again; so a client's own retry over UDP, whose answer was lost, is
// still told how its update went.
const MAX_REMEMBERED = 10_000;

interface Seen {
  readonly until: number;
  readonly answer: Uint8Array;
}

export class ReplayCache {
  private readonly seen = new Map<string, Seen>();

  /** The answer given to the message with this key and MAC, if it was seen and is still within its window. */
  answerTo(keyName: string, mac: Uint8Array, now: number): Uint8Array | undefined {
    const seen = this.seen.get(cacheKey(keyName, mac));
    return seen && seen.until >= now ? seen.answer : undefined;
  }

  /** Remembers the answer until `until` (seconds), when the signature is no longer accepted anyway. */
  remember(keyName: string, mac: Uint8Array, until: number, answer: Uint8Array, now: number): void {
    if (this.seen.size >= MAX_REMEMBERED) {
      for (const [key, entry] of this.seen) if (entry.until < now) this.seen.delete(key);
      // Only validly signed messages get here: the keys' holders would have
      // to send this many updates within five minutes.
      if (this.seen.size >= MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value!);
    }
    this.seen.set(cacheKey(keyName, mac), { until, answer });
  }
}

function cacheKey(keyName: string, mac: Uint8Array): string {
  return `${keyName} ${Buffer.from(mac).toString('base64')}`;
}
