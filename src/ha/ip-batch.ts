// One long-lived `ip -batch -` for the VIP's add and remove: the takeover
// path should not wait for a process to start (a fork of a 100 MB Node
// process took 5-290 ms here under load; a batch line takes ~2 ms). ip
// reports a failed line on stderr as "Command failed -:LINE"; each command
// is followed by a marker that always fails, so every command ends with a
// line on that one stream, whether it worked or not.
import { spawn, type ChildProcess } from 'node:child_process';
import type { CommandResult } from './command.ts';

/** No interface has this name (a marker of the end of a command). */
const MARKER = ['link', 'show', 'dev', 'hearth-marker'];

interface Pending {
  readonly line: number;
  readonly resolve: (result: CommandResult) => void;
}

export class IpBatch {
  private child: ChildProcess | undefined;
  private readonly pending: Pending[] = [];
  private stderr = '';
  private lines = 0;
  /** What each failed command said, until its marker ends it. */
  private readonly failedText = new Map<number, string>();

  /** Runs `ip ARGS…`; arguments are words without whitespace (interface names, CIDRs). */
  run(args: readonly string[]): Promise<CommandResult> {
    if (args.some((arg) => !/^[\w.:/@+-]+$/.test(arg))) return Promise.resolve({ code: null, stderr: '', failure: `not a plain word: ${args.join(' ')}` });
    const child = this.child ?? this.start();
    if (child.stdin?.writable !== true) return Promise.resolve({ code: null, stderr: '', failure: 'ip -batch is not running' });
    const line = this.lines + 1;
    this.lines += 2;
    child.stdin.write(`${args.join(' ')}\n${MARKER.join(' ')}\n`);
    return new Promise((resolve) => this.pending.push({ line, resolve }));
  }

  close(): void {
    this.child?.stdin?.end();
    this.child = undefined;
  }

  private start(): ChildProcess {
    const child = spawn('ip', ['-force', '-o', '-batch', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.lines = 0;
    child.stdout!.resume(); // what commands print is not needed
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      for (;;) {
        const failed = /Command failed -:(\d+)\n/.exec(this.stderr);
        if (!failed) return;
        const text = this.stderr.slice(0, failed.index);
        this.stderr = this.stderr.slice(failed.index + failed[0].length);
        this.failedLine(Number(failed[1]), text);
      }
    });
    const fail = (failure: string) => {
      if (this.child === child) this.child = undefined;
      for (const waiting of this.pending.splice(0)) waiting.resolve({ code: null, stderr: this.stderr, failure });
    };
    child.on('error', (error) => fail(error.message));
    child.on('exit', (code) => fail(`ip -batch exited ${code}`));
    child.stdin!.on('error', () => undefined); // the exit handler reports it
    return child;
  }

  /** Line `line` failed, saying `text`: a command (odd line) or its marker (even: the command is done). */
  private failedLine(line: number, text: string): void {
    if (line % 2 === 1) {
      this.failedText.set(line, text);
      return;
    }
    const waiting = this.pending.shift();
    if (!waiting) return;
    const said = this.failedText.get(waiting.line);
    this.failedText.delete(waiting.line);
    waiting.resolve(said === undefined ? { code: 0, stderr: '' } : { code: 2, stderr: said });
  }
}
