// Runs a real hearth process on loopback with a config written for the test,
// and asks it questions with the real clients (dig, kdig).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/ports.ts';
import { tempDir } from '../support/temp-dir.ts';

// The generic test support, here too so integration tests take all they need
// from one import.
export { describeWith, hasTool } from '../support/tools.ts';
export { freePort } from '../support/ports.ts';
export { tempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
export const ROOT = resolve(import.meta.dirname, '../..');

export interface Running {
  readonly pid: number;
  readonly port: number;
  readonly dir: string;
  readonly output: () => string;
  readonly stop: () => Promise<void>;
  readonly signal: (name: NodeJS.Signals) => void;
}

/** How hearth is started: `node src/main.ts`, or as `npm start` runs it (compiled to dist/). */
export type HowStarted = 'source' | 'npm-start';

/** Starts `node src/main.ts run` with `config` (YAML text; `PORT` is replaced by a free port). */
export async function startHearth(config: string, files: Record<string, string> = {}, how: HowStarted = 'source'): Promise<Running> {
  const dir = tempDir();
  const port = await freePort();
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(resolve(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  // Each test's hearth gets its own API port, unless the test sets `api:`.
  const api = /^api:/m.test(config) ? '' : `\napi: { listen: "127.0.0.1:${await freePort()}" }\n`;
  writeFileSync(join(dir, 'hearth.yaml'), config.replaceAll('PORT', String(port)) + api);
  return spawnHearth(['run', '-c', 'hearth.yaml'], dir, port, how);
}

/** Starts a stopped hearth again in its own directory, with its config and data. */
export function restartHearth(stopped: Running): Promise<Running> {
  return spawnHearth(['run', '-c', 'hearth.yaml'], stopped.dir, stopped.port);
}

/** Starts hearth as `npm start` does: the built-in config, from the repository root. */
export function startDefaultHearth(): Promise<Running> {
  return spawnHearth(['run'], ROOT, 5353);
}

/** The entry of package.json's start script, after its compile step. */
async function npmStartCommand(): Promise<string[]> {
  await run(process.execPath, ['--no-warnings', join(ROOT, 'scripts/compile.ts'), '--quiet']);
  return [join(ROOT, 'dist/main.js')];
}

async function spawnHearth(args: string[], dir: string, port: number, how: HowStarted = 'source'): Promise<Running> {
  const command = how === 'source' ? [join(ROOT, 'src/main.ts')] : await npmStartCommand();
  const child: ChildProcess = spawn(process.execPath, [...command, ...args], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`hearth did not start:\n${output}`)), 15_000);
    const poll = setInterval(() => {
      if (output.includes('hearth started')) {
        clearInterval(poll);
        clearTimeout(timer);
        done();
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      fail(new Error(`hearth exited ${code}:\n${output}`));
    });
  });
  return {
    pid: child.pid!,
    port,
    dir,
    output: () => output,
    signal: (name) => child.kill(name),
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

export interface DigAnswer {
  readonly status: string;
  readonly flags: readonly string[];
  readonly answer: readonly string[];
  readonly authority: readonly string[];
  readonly additional: readonly string[];
  readonly raw: string;
}

/** Parses the output of dig or kdig (their layouts differ in separators only). */
export function parseDigOutput(raw: string): DigAnswer {
  const status = /status: (\w+)/.exec(raw)?.[1] ?? 'NONE';
  const flags = (/flags: ([^;]*);/i.exec(raw)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
  const section = (title: string): string[] => {
    const match = new RegExp(`;; ${title} SECTION:\\n([\\s\\S]*?)(?:\\n\\n|\\n;;|$)`).exec(raw);
    return (match?.[1] ?? '')
      .split('\n')
      .map((line) => line.trim().replace(/\s+/g, ' '))
      .filter((line) => line && !line.startsWith(';'));
  };
  return { status, flags, answer: section('ANSWER'), authority: section('AUTHORITY'), additional: section('ADDITIONAL'), raw };
}

export async function dig(port: number, args: string[], server = '127.0.0.1'): Promise<DigAnswer> {
  const { stdout } = await run('dig', [`@${server}`, '-p', String(port), '+tries=1', '+time=3', ...args]);
  return parseDigOutput(stdout);
}

export async function kdig(port: number, args: string[], server = '127.0.0.1'): Promise<DigAnswer> {
  const { stdout } = await run('kdig', [`@${server}`, '-p', String(port), '+retry=0', '+time=3', ...args]);
  return parseDigOutput(stdout);
}

/** Runs `hearth ARGS…` in `dir` to its end: its exit code and standard output. */
export async function hearthCli(dir: string, args: readonly string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(process.execPath, [join(ROOT, 'src/main.ts'), ...args], { cwd: dir });
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, output: failed.stdout };
  }
}

export function hearthCheck(dir: string, config: string): Promise<{ code: number; output: string }> {
  return hearthCli(dir, ['check', '-c', config]);
}
