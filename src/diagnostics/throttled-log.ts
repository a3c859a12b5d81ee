// Warnings that a stranger can make hearth repeat (a DHCP client retrying
// every few seconds, spoofed or unsigned UPDATEs by the thousand) are logged
// at most once a minute per kind, with how many were left out since: the log
// stays readable and the disk stays free, and nothing goes unmentioned.
import type { Logger } from '../observe/log.ts';

const EVERY_MS = 60_000;

export class ThrottledLog {
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  /** `now`: milliseconds. */
  constructor(log: Logger, now: () => number = Date.now) {
    this.log = log;
    this.now = now;
  }

  /** `key` names the kind of warning: keep the set of keys small (never a client's address). */
  warn(key: string, fields: object, message: string): void {
    const now = this.now();
    const seen = this.last.get(key);
    if (seen && now - seen.at < EVERY_MS) {
      seen.suppressed++;
      return;
    }
    this.last.set(key, { at: now, suppressed: 0 });
    this.log.warn({ ...fields, ...(seen?.suppressed ? { suppressed: seen.suppressed } : {}) }, `${message} (logged at most once a minute)`);
  }
}
