// Runs a helper program (ip, arping, a notify command) with an argument
// array — never a shell string — and a timeout, and reports how it ended.
import { execFile } from 'node:child_process';

export interface CommandResult {
  /** The exit status; null when it was killed (timeout) or did not start. */
  readonly code: number | null;
  readonly stderr: string;
  /** Why it did not run to an exit status: "timed out after 10000 ms", "spawn ip ENOENT". */
  readonly failure?: string;
}

export type RunCommand = (argv: readonly string[], timeoutMs: number) => Promise<CommandResult>;

export const runCommand: RunCommand = (argv, timeoutMs) =>
  new Promise((resolve) => {
    const [file, ...args] = argv;
    if (file === undefined) return resolve({ code: null, stderr: '', failure: 'empty command' });
    execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 256 * 1024 }, (error, _stdout, stderr) => {
      if (!error) return resolve({ code: 0, stderr });
      const failed = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
      if (failed.killed) return resolve({ code: null, stderr, failure: `timed out after ${timeoutMs} ms` });
      if (typeof failed.code === 'number') return resolve({ code: failed.code, stderr });
      resolve({ code: null, stderr, failure: failed.message });
    });
  });

/** One line for the log: "exit 2: RTNETLINK answers: File exists". */
export function describeResult(result: CommandResult): string {
  const said = result.stderr.trim().split('\n').filter(Boolean).join(' | ');
  const how = result.failure ?? `exit ${result.code}`;
  return said ? `${how}: ${said}` : how;
}
