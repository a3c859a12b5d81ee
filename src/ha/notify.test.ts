import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { runCommand } from './command.ts';
import { notifyAll } from './notify.ts';

function capturingLog() {
  const lines: { level: number; msg: string; code?: number; stderr?: string; notify?: string[] }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

describe('notify commands', () => {
  it('run with the new state appended; a failure is logged with its exit status and stderr', async () => {
    const { log, lines } = capturingLog();
    await notifyAll([['echo'], ['sh', '-c', 'echo "no route to $1" >&2; exit 3', 'sh']], 'master', runCommand, log);
    expect(lines.find((line) => line.level === 30)).toMatchObject({ msg: 'ha notify command done', notify: ['echo', 'master'] });
    expect(lines.find((line) => line.level === 40)).toMatchObject({
      code: 3,
      stderr: 'no route to master',
      msg: 'ha notify command failed: exit 3: no route to master',
    });
  });

  it('a command that hangs is killed at the timeout, and one that does not exist says so', async () => {
    expect(await runCommand(['sleep', '5'], 100)).toMatchObject({ code: null, failure: 'timed out after 100 ms' });
    expect((await runCommand(['/nonexistent/notify'], 1000)).failure).toMatch(/ENOENT/);
  });
});
