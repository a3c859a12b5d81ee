// The failover benchmark behind bench/failover.sh: in the lab of
// test/lab/pair.ts, the longest gap a client probing the VIP every 20 ms
// sees when the master is killed (-9, every process of the node), stopped
// cleanly (SIGTERM) or loses its link, for hearth and for keepalived with
// dnsmasq answering DNS on the VIP, in the same run. Prints each gap, then
// the median and worst of each case. Needs root.
//   node bench/failover.ts [rounds] [keepalived advert_int seconds]
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { generatePairSecret } from '../src/ha/secret.ts';
import { LAN_IF, type LabHost } from '../test/lab/lan.ts';
import { HearthNode, holdsVip, NODES, PairLab, Probe, PROBE_NAME, VIP, type NodeName } from '../test/lab/pair.ts';
import { LabProcess } from '../test/lab/server.ts';
import { waitFor } from '../test/lab/wait.ts';

const execFileAsync = promisify(execFile);
const ROUNDS = Number(process.argv[2] ?? 3);
const KEEPALIVED_ADVERT_INT = process.argv[3] ?? '1';
const CASES = ['kill -9', 'clean stop', 'link down'] as const;
type Case = (typeof CASES)[number];

/** What a case does to the master node. */
interface Node {
  readonly host: LabHost;
  start(): Promise<void>;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

type Setup = (lab: PairLab) => Record<NodeName, Node>;

const hearth: Setup = (lab) => {
  const secret = generatePairSecret();
  const node = (name: NodeName): Node => {
    const running = new HearthNode(lab, name, { secret });
    return { host: running.host, start: () => running.start(), kill: () => killNode(running.host), stop: () => running.process.stop('SIGTERM') };
  };
  return { a: node('a'), b: node('b') };
};

/** keepalived (VRRP, unicast to the peer) plus dnsmasq answering on every address, the VIP's too, as people run them. */
const keepalived: Setup = (lab) => {
  const node = (name: NodeName): Node => {
    const other: NodeName = name === 'a' ? 'b' : 'a';
    const dir = join(lab.dir, `keepalived-${name}`);
    const host = lab.hosts[name];
    const conf = join(lab.dir, `keepalived-${name}.conf`);
    // VRRPv2 (keepalived's default) has whole seconds only; v3 takes centiseconds.
    writeFileSync(
      conf,
      `global_defs {
  router_id ${name}${Number(KEEPALIVED_ADVERT_INT) < 1 ? '\n  vrrp_version 3' : ''}
}
vrrp_instance hearth {
  state BACKUP
  interface ${LAN_IF}
  virtual_router_id 53
  priority ${NODES[name].priority}
  advert_int ${KEEPALIVED_ADVERT_INT}
  unicast_src_ip ${NODES[name].address}
  unicast_peer {
    ${NODES[other].address}
  }
  virtual_ipaddress {
    ${VIP}/24 dev ${LAN_IF}
  }
}
`,
    );
    const vrrp = new LabProcess(
      host,
      'keepalived',
      ['-n', '-l', '-P', '-f', conf, '-p', join(lab.dir, `k-${name}.pid`), '-r', join(lab.dir, `v-${name}.pid`)],
      /Entering BACKUP STATE|Entering MASTER STATE/,
      dir,
    );
    // --bind-dynamic: a socket on each address as it appears, so replies leave from the VIP.
    const dns = new LabProcess(
      host,
      'dnsmasq',
      [
        '--keep-in-foreground',
        '--log-facility=-',
        '--conf-file=/dev/null',
        '--no-resolv',
        '--no-hosts',
        '--bind-dynamic',
        `--interface=${LAN_IF}`,
        `--address=/${PROBE_NAME}/10.77.0.9`,
        '--log-queries=off',
        `--pid-file=${join(lab.dir, `d-${name}.pid`)}`,
      ],
      /started, version/,
      dir,
    );
    return {
      host,
      start: async () => {
        await dns.start();
        await vrrp.start();
      },
      kill: () => killNode(host),
      stop: () => vrrp.stop('SIGTERM'),
    };
  };
  return { a: node('a'), b: node('b') };
};

/** The node dies at once: SIGKILL to every process in its namespace (keepalived's
 *  VRRP child would otherwise see its parent go and leave cleanly, with priority 0). */
async function killNode(host: LabHost): Promise<void> {
  const { stdout } = await execFileAsync('ip', ['netns', 'pids', host.netns]);
  const pids = stdout.split('\n').filter(Boolean).map(Number);
  // Frozen first, so none runs a handler while the others die.
  for (const signal of ['SIGSTOP', 'SIGKILL'] as const) {
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        /* gone already */
      }
    }
  }
}

async function measure(setup: Setup, which: Case): Promise<number> {
  const lab = await PairLab.create();
  let probe: Probe | undefined;
  try {
    const nodes = setup(lab);
    await nodes.a.start();
    await waitFor('a to hold the VIP', async () => ((await holdsVip(lab.hosts.a)) ? true : undefined));
    await nodes.b.start();
    await sleep(3000); // b settles as backup
    probe = new Probe(lab.client);
    await probe.answeredAfter(Date.now());
    await sleep(1000);
    const event = Date.now();
    if (which === 'kill -9') await nodes.a.kill();
    else if (which === 'clean stop') await nodes.a.stop();
    else await lab.hosts.a.exec('ip', ['link', 'set', LAN_IF, 'down']);
    await waitFor('b to hold the VIP', async () => ((await holdsVip(lab.hosts.b)) ? true : undefined));
    const since = Date.now();
    await waitFor('answers again', () => probe!.replies.find((reply) => reply.sentAt > since + 1000));
    const foreign = probe.replies.filter((reply) => reply.from !== VIP).length;
    if (foreign > 0) console.log(`  ${foreign} replies came from an address other than the VIP`);
    return probe.longestGapMs(event, Date.now());
  } finally {
    probe?.stop();
    await lab.destroy();
  }
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
const results = new Map<string, number[]>();
for (let round = 1; round <= ROUNDS; round++) {
  for (const which of CASES) {
    for (const [name, setup] of [
      ['hearth', hearth],
      [`keepalived (advert_int ${KEEPALIVED_ADVERT_INT})`, keepalived],
    ] as const) {
      const gap = await measure(setup, which);
      console.log(`round ${round}: ${name}, ${which}: longest gap ${gap} ms`);
      const key = `${which}\t${name}`;
      results.set(key, [...(results.get(key) ?? []), gap]);
    }
  }
}
console.log('\ncase\tpeer\tmedian ms\tworst ms');
for (const [key, gaps] of results) console.log(`${key}\t${median(gaps)}\t${Math.max(...gaps)}`);
process.exit(0);
