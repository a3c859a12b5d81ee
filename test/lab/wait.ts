// Polling for something the lab's processes do on their own time. The limit
// is generous (a loaded 2-core machine), and only turns a hang into a
// failure that says what was awaited: tests assert outcomes, never times.
import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `probe` until it returns something other than undefined. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  describe: () => string = () => '',
  limitMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}\n${describe()}`);
    await sleep(100);
  }
}
