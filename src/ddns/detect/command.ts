// ip.source command: a command the owner writes (ask the router over SNMP or
// UPnP, read a file...), run from its argument array with no shell between,
// so no word of it is ever re-read as shell syntax; the first global address
// of each family in what it prints is the address. Both families read one run.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { globalAddress, type Family } from '../address.ts';
import type { AddressDetector, Detection } from './detection.ts';

const run = promisify(execFile);
const MAX_OUTPUT = 64 * 1024;

type Output = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

export class CommandDetector implements AddressDetector {
  private readonly command: readonly [string, ...string[]];
  private readonly timeoutMs: number;
  /** The run in progress, shared by the families that ask meanwhile. */
  private running: Promise<Output> | undefined;

  constructor(command: readonly [string, ...string[]], timeoutMs: number) {
    this.command = command;
    this.timeoutMs = timeoutMs;
  }

  async detect(family: Family): Promise<Detection> {
    const output = await this.output();
    if (!output.ok) return { kind: 'missing', reason: output.reason };
    const address = firstAddress(output.text, family);
    const from = `command ${JSON.stringify(this.command)}`;
    return address ? { kind: 'found', address, from } : { kind: 'missing', reason: `${from} printed no global IPv${family} address` };
  }

  private output(): Promise<Output> {
    if (this.running) return this.running;
    const [file, ...args] = this.command;
    const running = run(file, args, { timeout: this.timeoutMs, maxBuffer: MAX_OUTPUT })
      .then(({ stdout }): Output => ({ ok: true, text: stdout }))
      .catch((error: { code?: unknown; killed?: boolean; stderr?: string; message: string }): Output => {
        const why = error.killed ? `ran longer than ${this.timeoutMs} ms` : `failed (${error.stderr?.trim() || error.message})`;
        return { ok: false, reason: `command ${JSON.stringify(this.command)} ${why}` };
      })
      .finally(() => {
        this.running = undefined;
      });
    this.running = running;
    return running;
  }
}

/** Words of the output, cut at anything that can't be part of an address;
 *  `2001:db8::1/64` and `inet 192.0.2.1/24` read as their addresses. */
export function firstAddress(text: string, family: Family): string | undefined {
  for (const word of text.split(/[^0-9a-fA-F:.]+/)) {
    const address = globalAddress(word.replace(/^[.:]+(?=\d)|\.+$/, ''), family);
    if (address) return address;
  }
  return undefined;
}
