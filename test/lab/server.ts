// A DHCP server under test in a lab host, started from one description of
// the LAN so hearth and dnsmasq (the lab's reference) serve the same thing.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { LabHost } from './lan.ts';
import { waitFor } from './wait.ts';

export interface Reservation {
  readonly mac: string;
  readonly ip: string;
  readonly hostname: string;
}

/** What the DHCP server hands out, on a /24 where it is `server`. */
export interface LabDhcpSetup {
  readonly server: string;
  readonly subnet: string;
  readonly range: readonly [string, string];
  readonly router: string;
  readonly domain: string;
  readonly leaseSeconds: number;
  readonly reservations: readonly Reservation[];
}

export interface LabDhcpServer {
  readonly name: string;
  /** Stops the server the polite way (SIGTERM) and waits for it to exit. */
  readonly stop: () => Promise<void>;
  /** SIGKILL: a crash, or a power cut as far as the server can tell. */
  readonly kill: () => Promise<void>;
  /** Starts the server again with the same config and data. */
  readonly restart: () => Promise<void>;
  /** Everything it has printed, for failure messages. */
  readonly output: () => string;
}

export type StartLabDhcpServer = (host: LabHost, setup: LabDhcpSetup, dir: string) => Promise<LabDhcpServer>;

/** A server process run in a lab host, ready once it prints `readyLine`. */
export class LabProcess {
  #child: ChildProcess | undefined;
  #output = '';

  readonly #host: LabHost;
  readonly #command: string;
  readonly #args: readonly string[];
  readonly #readyLine: RegExp;
  readonly #cwd: string;

  constructor(host: LabHost, command: string, args: readonly string[], readyLine: RegExp, cwd: string) {
    this.#host = host;
    this.#command = command;
    this.#args = args;
    this.#readyLine = readyLine;
    this.#cwd = cwd;
  }

  output(): string {
    return this.#output;
  }

  async start(): Promise<void> {
    mkdirSync(this.#cwd, { recursive: true });
    const child = this.#host.spawn(this.#command, this.#args, { cwd: this.#cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const seen = this.#output.length;
    const append = (chunk: Buffer): void => {
      this.#output += chunk.toString();
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    child.on('error', (error) => {
      this.#output += `\n${error.message}\n`;
    });
    await waitFor(
      `${this.#command} to start`,
      () => {
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
          throw new Error(`${this.#command} exited ${child.exitCode}:\n${this.#output}`);
        return this.#readyLine.test(this.#output.slice(seen)) ? true : undefined;
      },
      () => this.#output,
    );
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill(signal);
    await exited;
  }

  server(name: string): LabDhcpServer {
    return {
      name,
      stop: () => this.stop('SIGTERM'),
      kill: () => this.stop('SIGKILL'),
      restart: () => this.start(),
      output: () => this.output(),
    };
  }
}
