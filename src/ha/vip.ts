// The virtual IP on this node's interface: added with iproute2 on becoming
// master, announced with gratuitous ARP (iputils arping) so clients' ARP
// caches move to this MAC at once, removed on becoming backup or stopping.
// Without GARP a moved VIP was unreachable for ~36 s here (the clients'
// neighbour entries time out); with it, 14-26 ms.
import type { Logger } from '../observe/log.ts';
import { describeResult, type CommandResult, type RunCommand } from './command.ts';

const ARPING_TIMEOUT_MS = 2000;
/** When the GARPs of one announcement go out, ms after it starts: a burst
 *  at once (a lost frame is covered) and another a few seconds later, for
 *  switches and clients that were busy the first time. */
const ANNOUNCE_AT_MS = [0, 100, 300, 3000, 3200];

export class Vip {
  private readonly iface: string;
  /** "192.168.1.53/24" */
  private readonly cidr: string;
  readonly address: string;
  private readonly run: RunCommand;
  /** iproute2, as `ip ARGS…` (an IpBatch: no process start on the takeover path). */
  private readonly ip: (args: readonly string[]) => Promise<CommandResult>;
  private readonly log: Logger;
  private pending: NodeJS.Timeout[] = [];
  held = false;

  constructor(iface: string, cidr: string, ip: (args: readonly string[]) => Promise<CommandResult>, run: RunCommand, log: Logger) {
    this.ip = ip;
    this.iface = iface;
    this.cidr = cidr.includes('/') ? cidr : `${cidr}/32`;
    this.address = this.cidr.split('/')[0]!;
    this.run = run;
    this.log = log;
  }

  /** `ip addr add`; an address already there (a restart as master) is fine. */
  async add(): Promise<void> {
    const result = await this.ip(['address', 'add', this.cidr, 'dev', this.iface]);
    if (result.code !== 0 && !result.stderr.includes('File exists')) {
      throw new Error(`could not add the VIP ${this.cidr} to ${this.iface}: ${describeResult(result)}`);
    }
    this.held = true;
  }

  /** `ip addr del`, quiet when the address is not there. Also run at start:
   *  a node killed with -9 left it behind, and would answer ARP for it. */
  async remove(): Promise<void> {
    this.cancelAnnouncements();
    const result = await this.ip(['address', 'del', this.cidr, 'dev', this.iface]);
    this.held = false;
    // iproute2 says so in one of two ways, by version, when the address is not there.
    if (result.code !== 0 && !/Cannot assign requested address|Address not found/.test(result.stderr)) {
      this.log.error(`could not remove the VIP ${this.cidr} from ${this.iface}: ${describeResult(result)}`);
    }
  }

  /** Gratuitous ARP bursts (arping -U: unsolicited, sender and target the VIP). */
  announce(atMs: readonly number[] = ANNOUNCE_AT_MS): void {
    this.cancelAnnouncements();
    this.pending = atMs.map((ms) => setTimeout(() => void this.garp(), ms));
    if (atMs[0] === 0) {
      clearTimeout(this.pending.shift());
      void this.garp();
    }
  }

  cancelAnnouncements(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending = [];
  }

  private async garp(): Promise<void> {
    if (!this.held) return;
    const result = await this.run(['arping', '-q', '-U', '-c', '1', '-I', this.iface, '-s', this.address, this.address], ARPING_TIMEOUT_MS);
    // arping -U exits 1 when no reply came, which is normal for a gratuitous ARP.
    if (result.code === null) this.log.warn(`gratuitous ARP for ${this.address} on ${this.iface} failed: ${describeResult(result)}`);
  }
}
