// Runs the machine's tools for the checks: argument arrays, a deadline, and
// the sbin directories on PATH (ip and arping live there on Debian).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const SEARCH = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin'];

/** The tool's path, or undefined when it is not installed. */
export function findTool(name: string): string | undefined {
  return SEARCH.filter(Boolean)
    .map((dir) => join(dir, name))
    .find((path) => existsSync(path));
}

export interface CommandResult {
  /** The exit status; undefined when the tool is missing or was killed at the deadline. */
  readonly code: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

export function runTool(name: string, args: readonly string[], timeoutMs = 5000): Promise<CommandResult> {
  const path = findTool(name);
  if (!path) return Promise.resolve({ code: undefined, stdout: '', stderr: `${name} is not installed` });
  return new Promise((done) => {
    execFile(path, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : undefined;
      done({ code, stdout, stderr: stderr || (error && code === undefined ? error.message : '') });
    });
  });
}
