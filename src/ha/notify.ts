// `ha.notify`: commands run on each state change with the new state
// appended. Unlike keepalived's fire-and-forget notify scripts, each has a
// timeout and its exit status and stderr go to the log.
import type { Logger } from '../observe/log.ts';
import { describeResult, type RunCommand } from './command.ts';
import type { HaState } from './role.ts';

const NOTIFY_TIMEOUT_MS = 10_000;

export function notifyAll(commands: readonly (readonly string[])[], state: HaState, run: RunCommand, log: Logger): Promise<unknown> {
  return Promise.all(
    commands.map(async (command) => {
      const argv = [...command, state];
      const result = await run(argv, NOTIFY_TIMEOUT_MS);
      if (result.code === 0) log.info({ notify: argv }, 'ha notify command done');
      else log.warn({ notify: argv, code: result.code, stderr: result.stderr.trim() }, `ha notify command failed: ${describeResult(result)}`);
    }),
  );
}
