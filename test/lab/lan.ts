// A LAN in network namespaces: one namespace holds a bridge, and every host
// is a namespace of its own whose `eth0` is a veth pair plugged into that
// bridge. Nothing touches the host's own interfaces or routes, and every
// namespace is removed when the lab is destroyed or the process exits.
import { execFile, execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { promisify } from 'node:util';
import { describe } from 'vitest';
import { describeWith } from '../support/tools.ts';

const run = promisify(execFile);
const PREFIX = 'hl';

/** The interface every lab host has on the LAN. */
export const LAN_IF = 'eth0';

export interface HostOptions {
  /** The MAC address of the host's `eth0`. */
  readonly mac: string;
  /** A static address with its prefix length ("10.77.0.1/24"); none for a DHCP client. */
  readonly address?: string;
}

export interface LabHost {
  /** The host's name in the lab ("server", "alice"). */
  readonly name: string;
  /** The network namespace it lives in. */
  readonly netns: string;
  readonly mac: string;
  /** Runs a command inside the host; fails if it exits non-zero. */
  readonly exec: (command: string, args: readonly string[], timeoutMs?: number) => Promise<{ stdout: string; stderr: string }>;
  /** Starts a long-running command inside the host; the lab kills it on teardown. */
  readonly spawn: (command: string, args: readonly string[], options?: SpawnOptions) => ChildProcess;
}

/** `describe` for lab tests: skipped, saying why, unless we are root and have every tool. */
export function describeLab(tools: readonly string[]): (title: string, body: () => void) => void {
  if (process.getuid?.() !== 0) {
    return (title, body) => describe.skip(`${title} [skipped: the lab needs root for network namespaces]`, body);
  }
  return describeWith(['ip', ...tools]);
}

/** The namespaces of every lab this process made, for the exit handler. */
const live = new Set<Lan>();
process.once('exit', () => {
  for (const lan of live) lan.destroySync();
});

let lans = 0;

export class Lan {
  readonly #id: string;
  readonly #bridgeNs: string;
  readonly #namespaces: string[] = [];

  private constructor(id: string) {
    this.#id = id;
    this.#bridgeNs = `${id}-lan`;
  }

  /** Makes an empty LAN: a namespace holding the bridge `br0`. */
  static async create(): Promise<Lan> {
    await removeAbandoned();
    const lan = new Lan(`${PREFIX}${process.pid}-${++lans}`);
    live.add(lan);
    await lan.#addNamespace(lan.#bridgeNs);
    await ip(['-n', lan.#bridgeNs, 'link', 'add', 'br0', 'type', 'bridge']);
    await ip(['-n', lan.#bridgeNs, 'link', 'set', 'br0', 'up']);
    return lan;
  }

  /** Plugs a new host into the LAN. */
  async host(name: string, options: HostOptions): Promise<LabHost> {
    const netns = `${this.#id}-${name}`;
    await this.#addNamespace(netns);
    // The bridge side is named after the host (interface names are at most 15 bytes).
    const port = `v-${name}`.slice(0, 15);
    await ip(['-n', this.#bridgeNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', LAN_IF, 'netns', netns]);
    await ip(['-n', this.#bridgeNs, 'link', 'set', port, 'master', 'br0', 'up']);
    await ip(['-n', netns, 'link', 'set', LAN_IF, 'address', options.mac, 'up']);
    if (options.address !== undefined) {
      await ip(['-n', netns, 'addr', 'add', options.address, 'dev', LAN_IF]);
      // A namespace has no default route, so a datagram to 255.255.255.255
      // (a DHCP server's broadcast reply, RFC 2131 §4.1) finds no way out
      // without this one.
      await ip(['-n', netns, 'route', 'add', '255.255.255.255/32', 'dev', LAN_IF]);
    }
    return {
      name,
      netns,
      mac: options.mac,
      exec: (command, args, timeoutMs = 60_000) => run('ip', ['netns', 'exec', netns, command, ...args], { timeout: timeoutMs }),
      spawn: (command, args, spawnOptions = {}) => spawn('ip', ['netns', 'exec', netns, command, ...args], spawnOptions),
    };
  }

  /** Kills whatever still runs in the lab and removes its namespaces. */
  async destroy(): Promise<void> {
    live.delete(this);
    for (const netns of this.#namespaces.splice(0).reverse()) await removeNamespace(netns);
  }

  /** destroy() for the exit handler, where nothing asynchronous runs. */
  destroySync(): void {
    for (const netns of this.#namespaces.splice(0).reverse()) removeNamespaceSync(netns);
  }

  async #addNamespace(netns: string): Promise<void> {
    await ip(['netns', 'add', netns]);
    this.#namespaces.push(netns);
    await ip(['-n', netns, 'link', 'set', 'lo', 'up']);
  }
}

function ip(args: readonly string[]): Promise<unknown> {
  return run('ip', args);
}

async function removeNamespace(netns: string): Promise<void> {
  const { stdout } = await run('ip', ['netns', 'pids', netns]).catch(() => ({ stdout: '' }));
  killAll(stdout);
  await run('ip', ['netns', 'del', netns]).catch(() => undefined);
}

function removeNamespaceSync(netns: string): void {
  try {
    killAll(execFileSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' }));
    execFileSync('ip', ['netns', 'del', netns]);
  } catch {
    // Already gone.
  }
}

/** SIGKILLs the processes `ip netns pids` listed: all were started by the lab. */
function killAll(pids: string): void {
  for (const pid of pids.split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      /* exited meanwhile */
    }
  }
}

/** Removes the namespaces of labs whose process died without cleaning up (a crashed run). */
async function removeAbandoned(): Promise<void> {
  const { stdout } = await run('ip', ['netns', 'list']);
  for (const line of stdout.split('\n')) {
    const match = new RegExp(`^(${PREFIX}(\\d+)-\\S+)`).exec(line);
    if (match === null || isAlive(Number(match[2]))) continue;
    await removeNamespace(match[1]!);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
