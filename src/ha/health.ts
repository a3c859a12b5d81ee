// What this node knows of its own health, for the election: a DNS query
// through its real listener (the whole path a client uses), the event loop's
// lag, and optionally whether any upstream answers. A check must fail FALL
// times in a row to impair the node, and pass RISE times in a row to clear
// it: a single slow moment does not move the VIP (keepalived's fall/rise).
import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ListenAddress } from '../values/listen-address.ts';

const FALL = 3;
const RISE = 5;
/** A name no zone has: any answer (NXDOMAIN, REFUSED) proves the pipeline ran. */
const CHECK_NAME = ['hearth-self-check', 'invalid'];

export interface HealthOptions {
  /** Where to send the self-check (a dns.listen address); none: not tracked. */
  readonly dns?: ListenAddress;
  /** How long the self-check may take: longer than an upstream timeout, so a slow upstream is not a dead listener. */
  readonly dnsDeadlineMs: number;
  /** The upstreams' states; none: not tracked. */
  readonly upstreams?: () => readonly boolean[];
  /** Lag past this counts as a failed check. */
  readonly lagLimitMs: number;
  readonly everyMs: number;
  /** Told the reason when the node becomes impaired, undefined when it recovers. */
  readonly report: (reason: string | undefined) => void;
}

export interface CheckState {
  readonly failing: number;
  readonly passing: number;
  readonly last: string;
}

export class HealthWatch {
  readonly checks = new Map<string, CheckState>();
  private readonly options: HealthOptions;
  private readonly lag = monitorEventLoopDelay({ resolution: 20 });
  private timer: NodeJS.Timeout | undefined;
  private impaired = new Map<string, string>();
  private dnsRunning = false;

  constructor(options: HealthOptions) {
    this.options = options;
  }

  start(): void {
    this.lag.enable();
    this.timer = setInterval(() => void this.round(), this.options.everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.lag.disable();
  }

  private async round(): Promise<void> {
    const lagMs = Math.round(this.lag.max / 1e6);
    this.lag.reset();
    this.record('event loop', lagMs <= this.options.lagLimitMs, `lag ${lagMs} ms`);
    const upstreams = this.options.upstreams?.();
    if (upstreams && upstreams.length > 0) this.record('upstreams', upstreams.some(Boolean), `${upstreams.filter(Boolean).length}/${upstreams.length} up`);
    if (this.options.dns && !this.dnsRunning) {
      this.dnsRunning = true;
      const outcome = await selfCheck(this.options.dns, this.options.dnsDeadlineMs);
      this.dnsRunning = false;
      this.record('dns self-check', outcome === 'answered', outcome);
    }
  }

  private record(check: string, passed: boolean, detail: string): void {
    const before = this.checks.get(check) ?? { failing: 0, passing: 0, last: '' };
    const now = { failing: passed ? 0 : before.failing + 1, passing: passed ? before.passing + 1 : 0, last: detail };
    this.checks.set(check, now);
    if (now.failing === FALL) this.impaired.set(check, `${check} failed ×${FALL} (${detail})`);
    else if (now.passing !== RISE || !this.impaired.delete(check)) return;
    this.options.report([...this.impaired.values()][0]);
  }
}

/** One query to our own listener: "answered", "timed out after N ms" or the socket's error. */
function selfCheck(target: ListenAddress, deadlineMs: number): Promise<string> {
  const host = target.host === '0.0.0.0' ? '127.0.0.1' : target.host === '::' ? '::1' : target.host;
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  const id = randomInt(0, 0x10000);
  return new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve(`timed out after ${deadlineMs} ms`), deadlineMs);
    socket.on('error', (error) => {
      clearTimeout(timer);
      resolve(error.message);
    });
    socket.on('message', (reply) => {
      if (reply.length >= 12 && reply.readUInt16BE(0) === id && (reply[2]! & 0x80) !== 0) {
        clearTimeout(timer);
        resolve('answered');
      }
    });
    socket.send(queryFor(id, CHECK_NAME), target.port, host);
  }).finally(() => socket.close());
}

/** A plain query for `labels`, type A, class IN: the lab's probe sends the same. */
export function queryFor(id: number, name: readonly string[]): Buffer {
  const labels = name.flatMap((label) => [Buffer.from([label.length]), Buffer.from(label)]);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4);
  return Buffer.concat([header, ...labels, Buffer.from([0, 0, 1, 0, 1])]); // root, type A, class IN
}
