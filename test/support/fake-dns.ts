// Queries and replies in upstream tests: queries as hearth builds them, and
// a fake DNS server (UDP and TCP on one port) whose replies a test scripts.
import { createSocket } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { frame, FrameReader } from '../../src/dns/framing.ts';
import { buildQuery } from '../../src/dns/upstream/message.ts';
import { RRType } from '../../src/dns/record.ts';

export function question(name: string, type: number = RRType.A): Uint8Array {
  return buildQuery({ name, type, dnssecOk: false, checkingDisabled: false });
}

/** The RDATA of the reply's answers as dns-packet prints them ("192.0.2.1"). */
export function answers(reply: Uint8Array): string[] {
  return (dnsPacket.decode(reply).answers ?? []).map((answer) => String(answer.data));
}

/** A reply to `query` with A records for `addresses` (none and TC set when `truncated`). */
export function reply(query: dnsPacket.Packet, addresses: readonly string[], truncated = false): Uint8Array {
  const q = query.questions![0]!;
  return dnsPacket.encode({
    type: 'response',
    id: query.id ?? 0,
    flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (truncated ? dnsPacket.TRUNCATED_RESPONSE : 0),
    questions: [q],
    answers: truncated ? [] : addresses.map((data) => ({ name: q.name, type: 'A' as const, ttl: 60, data })),
  });
}

export interface FakeDns {
  readonly port: number;
  /** TCP connections accepted so far. */
  readonly connections: () => number;
  readonly stop: () => Promise<void>;
}

export type Transport = 'udp' | 'tcp';

/** Serves UDP and TCP on 127.0.0.1 with `answer`: the reply's bytes, or undefined to stay silent. */
export async function startFakeDns(answer: (query: dnsPacket.Packet, transport: Transport) => Uint8Array | undefined): Promise<FakeDns> {
  const open = new Set<Socket>();
  let accepted = 0;
  const tcp = createServer((socket) => {
    accepted++;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    const reader = new FrameReader();
    socket.on('data', (chunk: Buffer) => {
      for (const message of reader.push(chunk)) {
        const bytes = answer(dnsPacket.decode(message), 'tcp');
        if (bytes) socket.write(frame(bytes));
      }
    });
  });
  await new Promise<void>((done) => tcp.listen(0, '127.0.0.1', done));
  const port = (tcp.address() as { port: number }).port;
  const udp = createSocket('udp4');
  udp.on('message', (message, remote) => {
    const bytes = answer(dnsPacket.decode(message), 'udp');
    if (bytes) udp.send(bytes, remote.port, remote.address);
  });
  await new Promise<void>((done) => udp.bind(port, '127.0.0.1', done));
  return {
    port,
    connections: () => accepted,
    stop: async () => {
      for (const socket of open) socket.destroy();
      await Promise.all([new Promise((done) => tcp.close(done)), new Promise<void>((done) => udp.close(done))]);
    },
  };
}
