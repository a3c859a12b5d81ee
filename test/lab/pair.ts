// The failover lab: two nodes (a at .2, b at .3) sharing the VIP .53 on the
// lab LAN, and a client at .100 running the probe (probe.ts) against the VIP.
// The nodes are hearth here; bench/failover.ts also puts keepalived+dnsmasq
// on the same hosts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../integration/harness.ts';
import { API, API_TOKEN } from './hearth.ts';
import { Lan, LAN_IF, type LabHost } from './lan.ts';
import { LabProcess } from './server.ts';
import { waitFor } from './wait.ts';

export const VIP = '10.77.0.53';
/** What the probe asks: a cloaking rule on both nodes answers it, no upstream needed. */
export const PROBE_NAME = 'probe.lan';
export const NODES = {
  a: { address: '10.77.0.2', priority: 150, mac: '02:77:00:00:00:02' },
  b: { address: '10.77.0.3', priority: 100, mac: '02:77:00:00:00:03' },
} as const;
export type NodeName = keyof typeof NODES;

export class PairLab {
  readonly lan: Lan;
  readonly dir: string;
  readonly hosts: Record<NodeName, LabHost>;
  readonly client: LabHost;

  private constructor(lan: Lan, dir: string, hosts: Record<NodeName, LabHost>, client: LabHost) {
    this.lan = lan;
    this.dir = dir;
    this.hosts = hosts;
    this.client = client;
  }

  static async create(): Promise<PairLab> {
    const lan = await Lan.create();
    const dir = mkdtempSync(join(tmpdir(), 'hearth-pair-'));
    mkdirSync(join(dir, 'zones'));
    const host = (name: NodeName) => lan.host(name, { mac: NODES[name].mac, address: `${NODES[name].address}/24` });
    const hosts = { a: await host('a'), b: await host('b') };
    const client = await lan.host('client', { mac: '02:77:00:00:01:00', address: '10.77.0.100/24' });
    return new PairLab(lan, dir, hosts, client);
  }

  /** One zones_dir path for both nodes, as on two Pis: it is house config, which the pair syncs. */
  get zonesDir(): string {
    return join(this.dir, 'zones');
  }

  async destroy(): Promise<void> {
    await this.lan.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The MAC the client's neighbour table has for the VIP now ('' for none). */
  async clientNeighbourOfVip(): Promise<string> {
    const { stdout } = await this.client.exec('ip', ['neigh', 'show', VIP, 'dev', LAN_IF]);
    return /lladdr (\S+)/.exec(stdout)?.[1] ?? '';
  }
}

export interface HearthNodeOptions {
  readonly secret: string;
  readonly preemptDelay?: string;
  /** ha.priority, when not the node's usual one (NODES). */
  readonly priority?: number;
  /** More sections of the house's config (dhcp, dns_update...), the same on both nodes. */
  readonly house?: Readonly<Record<string, unknown>>;
}

/** hearth in a node of the lab: its own address for DNS, the VIP while master. */
export class HearthNode {
  readonly name: NodeName;
  readonly host: LabHost;
  readonly process: LabProcess;

  constructor(lab: PairLab, name: NodeName, options: HearthNodeOptions) {
    this.name = name;
    this.host = lab.hosts[name];
    const dir = join(lab.dir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'api.token'), `${API_TOKEN}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'ha.key'), `${options.secret}\n`, { mode: 0o600 });
    const other: NodeName = name === 'a' ? 'b' : 'a';
    const config = {
      data_dir: join(dir, 'data'),
      dns: { listen: [`${NODES[name].address}:53`], zones_dir: lab.zonesDir, blocking: { lists: [] }, cloaking: { rules: [`=${PROBE_NAME} 10.77.0.9`] } },
      api: { listen: '127.0.0.1:8053', token_file: join(dir, 'api.token') },
      querylog: { enabled: false },
      ...options.house,
      ha: {
        enabled: true,
        node_id: name,
        priority: options.priority ?? NODES[name].priority,
        interface: LAN_IF,
        vip: `${VIP}/24`,
        listen: `${NODES[name].address}:5399`,
        peers: [`${NODES[other].address}:5399`],
        preempt_delay: options.preemptDelay ?? '30s',
        secret_file: join(dir, 'ha.key'),
      },
    };
    writeFileSync(join(dir, 'hearth.yaml'), JSON.stringify(config, null, 2));
    this.process = new LabProcess(this.host, process.execPath, [join(ROOT, 'src/main.ts'), 'run', '-c', join(dir, 'hearth.yaml')], /hearth started/, dir);
  }

  start(): Promise<void> {
    return this.process.start();
  }

  /** GET /ha from inside the node. */
  async status(): Promise<HaStatusSeen> {
    const { stdout } = await this.host.exec('curl', ['-sSf', '-H', `authorization: Bearer ${API_TOKEN}`, `${API}/ha`]);
    return JSON.parse(stdout) as HaStatusSeen;
  }

  /** GET /metrics from inside the node. */
  async metrics(): Promise<string> {
    const { stdout } = await this.host.exec('curl', ['-sSf', '-H', `authorization: Bearer ${API_TOKEN}`, `${API}/metrics`]);
    return stdout;
  }

  async post(action: 'promote' | 'demote'): Promise<string> {
    return (await this.request('POST', `/ha/${action}`)).body;
  }

  /** An API request from inside the node, with the house's token. */
  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }> {
    const payload = body === undefined ? [] : ['-H', 'content-type: application/json', '--data-binary', JSON.stringify(body)];
    const { stdout } = await this.host.exec('curl', [
      '-sS',
      '-X',
      method,
      '-w',
      '\\n%{http_code}',
      '-H',
      `authorization: Bearer ${API_TOKEN}`,
      ...payload,
      `${API}${path}`,
    ]);
    const at = stdout.lastIndexOf('\n');
    return { status: Number(stdout.slice(at + 1)), body: stdout.slice(0, at) };
  }

  /** Waits until GET /ha says `state`. */
  async reaches(state: 'master' | 'backup'): Promise<HaStatusSeen> {
    return waitFor(
      `${this.name} to be ${state}`,
      async () => {
        const status = await this.status().catch(() => undefined);
        return status?.state === state ? status : undefined;
      },
      () => this.process.output(),
    );
  }

  holdsVip(): Promise<boolean> {
    return holdsVip(this.host);
  }
}

/** Whether the VIP is on the host's interface. */
export async function holdsVip(host: LabHost): Promise<boolean> {
  const { stdout } = await host.exec('ip', ['-o', '-4', 'addr', 'show', 'dev', LAN_IF]);
  return stdout.includes(`inet ${VIP}/`);
}

export interface HaStatusSeen {
  readonly state: string;
  readonly demoted: boolean;
  readonly vip: { readonly held: boolean };
  readonly transitions: readonly { readonly at: string; readonly from: string; readonly to: string; readonly reason: string }[];
  readonly adverts: { readonly rejected: Record<string, number> };
  readonly priority: { readonly configured: number; readonly effective: number };
  /** The state sync with the peer (issue 13's pair). */
  readonly sync?: { readonly connected: boolean; readonly config: { readonly version: number; readonly hash: string } };
}

export interface Reply {
  readonly sentAt: number;
  readonly rttMs: number;
  readonly from: string;
}

/** The client's probe: a query to the VIP every 20 ms, every reply recorded. */
export class Probe {
  readonly replies: Reply[] = [];
  private readonly child: ReturnType<LabHost['spawn']>;

  constructor(client: LabHost, intervalMs = 20) {
    this.child = client.spawn(process.execPath, [join(ROOT, 'test/lab/probe.ts'), VIP, PROBE_NAME, String(intervalMs)], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let rest = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop()!;
      for (const line of lines) {
        const [sentAt, rtt, from] = line.split(' ');
        this.replies.push({ sentAt: Number(sentAt), rttMs: Number(rtt), from: from! });
      }
    });
  }

  /** Waits for a reply sent after `since`. */
  answeredAfter(since: number): Promise<Reply> {
    return waitFor('a reply at the VIP', () => this.replies.find((reply) => reply.sentAt > since));
  }

  /** The longest time between two answered queries (by send time) around [from, to]:
   *  from the last answered before `from` to the first answered after it, and so on up to `to`. */
  longestGapMs(from: number, to: number): number {
    const times = this.replies.map((reply) => reply.sentAt).sort((x, y) => x - y);
    let longest = 0;
    for (let i = 1; i < times.length; i++) {
      if (times[i]! > from && times[i - 1]! < to) longest = Math.max(longest, times[i]! - times[i - 1]!);
    }
    return longest;
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}
