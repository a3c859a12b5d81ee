// Test support for the pair: a role whose state the test sets (the election
// decides it in hearth), and a logger whose lines a test can read.
import { pino, type Logger } from 'pino';
import type { HaState, PairRole } from '../../src/ha/role.ts';

export class FixedRole implements PairRole {
  state: HaState;
  private readonly listeners = new Set<(to: HaState, reason: string) => void>();

  constructor(state: HaState) {
    this.state = state;
  }

  onTransition(listener: (to: HaState, reason: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What the election does: change state, then tell the subscribers. */
  become(to: HaState, reason = 'set by the test'): void {
    this.state = to;
    for (const listener of this.listeners) listener(to, reason);
  }
}

export function capturingLogger(): { readonly log: Logger; readonly lines: () => string } {
  const lines: string[] = [];
  return { log: pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) }), lines: () => lines.join('') };
}

/** Polls `check` until it holds (tests wait for the peer, never for a fixed time). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the condition did not hold in time');
    await new Promise((done) => setTimeout(done, 10));
  }
}
