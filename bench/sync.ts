// The pair's sync, measured with two hearth processes on loopback (each its
// own data dir and ports; roles fixed, as the election would set them):
//  1. change-to-visible: a record added through the master's API, polled on
//     the standby's own DNS address every 1 ms: median and p99 of CHANGES;
//  2. DHCP exchanges/s (DISCOVER-OFFER-REQUEST-ACK, CLIENTS at a time, for
//     SECONDS) against the master with its standby connected (every ACK
//     waits for the standby's durable copy) and with the standby stopped,
//     in alternating rounds;
//  3. a wiped standby's full resync: the master's leases (>= 10,000 after
//     step 2) and a LIST_DOMAINS-name blocklist file.
// Run: node bench/sync.ts     (CHANGES=100 CLIENTS=64 POOL=10000 SECONDS=5 ROUNDS=3)
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { decodePacket } from '../src/dhcp/packet.ts';
import { TestClient } from '../test/support/dhcp-server.ts';
import { generatePairSecret } from '../src/ha/secret.ts';
import { freePort } from '../test/support/ports.ts';

const CHANGES = Number(process.env.CHANGES ?? 100);
const CLIENTS = Number(process.env.CLIENTS ?? 64);
const SECONDS = Number(process.env.SECONDS ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
/** Distinct clients, taken in turn: the first pass leases, later ones renew (the 65,000-address range never runs out). */
const POOL = Number(process.env.POOL ?? 10_000);
const TOKEN = 'bench-token-0123456789abcdef';
/** The pair's address: the server identifier (option 54) a REQUEST names. */
const VIP = '10.80.0.53';
const root = mkdtempSync(join(tmpdir(), 'hearth-sync-bench-'));
const secret = join(root, 'ha.key');
writeFileSync(secret, generatePairSecret());
const zones = join(root, 'zones');
mkdirSync(zones);
writeFileSync(join(zones, 'home.lan.zone'), '$TTL 300\n@ IN SOA ns hostmaster ( 1 1h 15m 7d 60 )\n@ NS ns\nns A 192.168.1.53\n');

interface Node {
  readonly name: string;
  readonly dns: number;
  readonly api: number;
  readonly dhcp: number;
  readonly file: string;
  process?: ChildProcess;
}

async function nodeConfig(name: string, sync: number, peer: number, dir: string): Promise<Node> {
  const node = { name, dns: await freePort(), api: await freePort(), dhcp: await freePort(), file: join(dir, 'hearth.yaml') };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'api.token'), `${TOKEN}\n`, { mode: 0o600 });
  writeFileSync(
    node.file,
    `data_dir: ${dir}/data
dns: { listen: ["127.0.0.1:${node.dns}"], zones_dir: ${zones}, blocking: { lists: [] } }
api: { listen: "127.0.0.1:${node.api}", token_file: ${dir}/api.token }
querylog: { enabled: false }
dhcp: { enabled: true, interface: lo, port: ${node.dhcp}, subnet: 10.80.0.0/16, range: [10.80.1.0, 10.80.255.254], lease_time: 12h }
ha: { enabled: true, node_id: ${name}, vip: ${VIP}/16, listen: "127.0.0.1:${sync}", peers: ["127.0.0.1:${peer}"], secret_file: ${secret} }
`,
  );
  return node;
}

async function start(node: Node, state: 'master' | 'backup'): Promise<void> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'sync-node.ts'), node.file, state], { stdio: ['ignore', 'pipe', 'inherit'] });
  node.process = child;
  await new Promise<void>((done, fail) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) done();
    });
    child.once('exit', (code) => fail(new Error(`${node.name} exited with ${code}`)));
  });
}

async function stop(node: Node): Promise<void> {
  const child = node.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

const api = (node: Node, method: string, path: string, body?: unknown) =>
  fetch(`http://127.0.0.1:${node.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** An A query for `name` (id 1, RD); true when the answer has a record. */
async function answers(port: number, name: string): Promise<boolean> {
  const labels = name.split('.').flatMap((label) => [Buffer.from([label.length]), Buffer.from(label)]);
  const query = Buffer.concat([Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, 0, 1, 0, 1])]);
  const socket = createSocket('udp4');
  try {
    socket.send(query, port, '127.0.0.1');
    const [reply] = await Promise.race([once(socket, 'message'), new Promise<[Buffer]>((done) => setTimeout(() => done([Buffer.alloc(12)]), 200))]);
    return reply.readUInt16BE(6) > 0;
  } finally {
    socket.close();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function changeToVisible(master: Node, backup: Node): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const name = `bench${i}-${Date.now()}.home.lan`;
    const started = performance.now();
    const added = await api(master, 'POST', '/zones/home.lan/records', { name, type: 'A', ttl: 60, data: '192.168.1.9' });
    if (!added.ok) throw new Error(`record not added: ${added.status} ${await added.text()}`);
    while (!(await answers(backup.dns, name))) await new Promise((done) => setTimeout(done, 1));
    latencies.push(performance.now() - started);
  }
  return latencies;
}

/** Full exchanges per second against `node`'s DHCP, CLIENTS in flight. */
async function dhcpRate(node: Node, firstClient: number): Promise<{ rate: number; clients: number }> {
  const socket = createSocket('udp4');
  await new Promise<void>((done) => socket.bind(node.dhcp + 1, '127.0.0.1', done));
  const waiting = new Map<number, (type: string, yiaddr: string) => void>();
  socket.on('message', (bytes) => {
    const decoded = decodePacket(bytes);
    if (decoded.ok) waiting.get(decoded.packet.xid)?.(decoded.packet.messageType, decoded.packet.yiaddr);
  });
  const ask = (bytes: Uint8Array, xid: number) =>
    new Promise<{ type: string; yiaddr: string }>((done) => {
      const timer = setTimeout(() => done({ type: 'timeout', yiaddr: '' }), 2_000);
      waiting.set(xid, (type, yiaddr) => {
        clearTimeout(timer);
        done({ type, yiaddr });
      });
      socket.send(bytes, node.dhcp, '127.0.0.1');
    });
  let done = 0;
  let next = firstClient;
  const until = performance.now() + SECONDS * 1000;
  // ciaddr 127.0.0.1: the server answers by unicast to this socket, not by broadcast.
  const header = { ciaddr: '127.0.0.1' };
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < until) {
        const n = next++;
        const c = (n % POOL) + 1;
        const client = new TestClient(`02:${[c >> 24, c >> 16, c >> 8, c].map((b) => (b & 255).toString(16).padStart(2, '0')).join(':')}:01`);
        const offer = await ask(client.discover([], { ...header, xid: n }), n);
        if (offer.type !== 'OFFER') continue;
        const ack = await ask(client.select(offer.yiaddr, VIP, { ...header, xid: n }), n);
        if (ack.type === 'ACK') done++;
      }
    }),
  );
  socket.close();
  return { rate: done / SECONDS, clients: next - firstClient };
}

const [a, b] = [await freePort(), await freePort()];
const master = await nodeConfig('pi-a', a, b, join(root, 'a'));
const backup = await nodeConfig('pi-b', b, a, join(root, 'b'));
try {
  await start(master, 'master');
  await start(backup, 'backup');
  await new Promise((done) => setTimeout(done, 1_000));
  const latencies = await changeToVisible(master, backup);
  console.log(
    `change-to-visible (API record on the master -> answered on the standby), ${CHANGES} changes: median ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
  );

  let client = 1;
  const rates: { on: number[]; off: number[] } = { on: [], off: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ['on', 'off'] as const) {
      if (mode === 'on' && backup.process?.exitCode !== null) await start(backup, 'backup');
      else await stop(backup);
      await new Promise((done) => setTimeout(done, 1_500));
      const { rate, clients } = await dhcpRate(master, client);
      client += clients;
      rates[mode].push(rate);
      console.log(`DHCP round ${round + 1}, replication ${mode}: ${rate.toFixed(0)} exchanges/s`);
    }
  }
  const median = (values: number[]) => percentile(values, 50);
  console.log(
    `DHCP exchanges/s, median of ${ROUNDS}: replication on ${median(rates.on).toFixed(0)}, off ${median(rates.off).toFixed(0)} (on/off ${(median(rates.on) / median(rates.off)).toFixed(2)})`,
  );

  const held = async (node: Node) => ((await (await api(node, 'GET', '/dhcp/leases')).json()) as { leases: unknown[] }).leases.length;
  const leases = await held(master);
  await stop(backup);
  const wiped = await nodeConfig('pi-b', b, a, join(root, 'wiped'));
  const started = performance.now();
  await start(wiped, 'backup');
  const ready = performance.now();
  while ((await held(wiped)) < leases) await new Promise((done) => setTimeout(done, 50));
  const seconds = (at: number) => ((at - started) / 1000).toFixed(2);
  console.log(
    `full resync of a wiped standby: ${leases} leases held ${seconds(performance.now())} s after its start (process up after ${seconds(ready)} s; polled every 50 ms)`,
  );
  await stop(wiped);
} finally {
  await stop(backup);
  await stop(master);
}
