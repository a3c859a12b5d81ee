// What one check of `hearth doctor` found. A note is neither good nor bad:
// something the machine can't tell (a container's clock) or that does not
// stop hearth (a list not downloaded yet).
import type { Config } from '../../config/schema.ts';

export type Verdict = 'ok' | 'fail' | 'note';

export interface Finding {
  readonly verdict: Verdict;
  /** What was checked and what was seen, in one line. */
  readonly what: string;
  /** For a failure: what to do about it. */
  readonly hint?: string;
}

export interface DoctorContext {
  /** The config file given with -c (undefined: the built-in default). */
  readonly file: string | undefined;
  readonly config: Config;
}

/** One check: looks at the config and the machine, never changes either. */
export type DoctorCheck = (context: DoctorContext) => Promise<readonly Finding[]>;

export const ok = (what: string): Finding => ({ verdict: 'ok', what });
export const fail = (what: string, hint?: string): Finding => ({ verdict: 'fail', what, ...(hint === undefined ? {} : { hint }) });
export const note = (what: string): Finding => ({ verdict: 'note', what });
