// What the server does with the bytes themselves: TCP framing and
// pipelining, packets it must not answer, and the two-command quick start.
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWith, dig, type Running, startDefaultHearth, startHearth } from './harness.ts';

const ZONE = '$TTL 60\n@ IN SOA ns admin ( 1 1h 15m 7d 60 )\na IN A 10.0.0.1\nb IN A 10.0.0.2\nc IN A 10.0.0.3\n';

function query(id: number, name: string): Uint8Array {
  return dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: 'A' }] });
}

/** Sends one UDP datagram and waits up to `ms` for a reply. */
async function udpExchange(port: number, message: Uint8Array, ms = 500): Promise<Buffer | undefined> {
  const socket = createSocket('udp4');
  try {
    return await new Promise((done) => {
      const timer = setTimeout(() => done(undefined), ms);
      socket.once('message', (reply) => {
        clearTimeout(timer);
        done(reply);
      });
      socket.send(message, port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

describe('the DNS transport', () => {
  let hearth: Running;

  beforeAll(async () => {
    hearth = await startHearth('dns:\n  listen: ["127.0.0.1:PORT"]\n  zones_dir: zones\n', { 'zones/t.lan.zone': ZONE });
  });
  afterAll(() => hearth?.stop());

  it('answers pipelined TCP queries sent in one write, each with its own ID', async () => {
    const socket = connect(hearth.port, '127.0.0.1');
    const frames = ['a.t.lan', 'b.t.lan', 'c.t.lan'].map((name, i) => {
      const message = query(100 + i, name);
      return Buffer.concat([Buffer.from([message.length >> 8, message.length & 0xff]), message]);
    });
    socket.write(Buffer.concat(frames));
    const answers = await new Promise<Map<number, string>>((done, fail) => {
      let buffer = Buffer.alloc(0);
      const found = new Map<number, string>();
      socket.on('error', fail);
      socket.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
          const packet = dnsPacket.decode(buffer.subarray(2, 2 + buffer.readUInt16BE(0)));
          buffer = buffer.subarray(2 + buffer.readUInt16BE(0));
          found.set(packet.id!, String(packet.answers?.[0]?.data));
        }
        if (found.size === 3) done(found);
      });
    });
    socket.destroy();
    expect(answers).toEqual(
      new Map([
        [100, '10.0.0.1'],
        [101, '10.0.0.2'],
        [102, '10.0.0.3'],
      ]),
    );
  });

  it('answers a query split across TCP segments', async () => {
    const socket = connect(hearth.port, '127.0.0.1');
    const message = query(7, 'a.t.lan');
    const frame = Buffer.concat([Buffer.from([0, message.length]), message]);
    socket.write(frame.subarray(0, 5));
    await new Promise((done) => setTimeout(done, 50));
    socket.write(frame.subarray(5));
    const reply = await new Promise<Buffer>((done) => socket.once('data', done));
    socket.destroy();
    expect(dnsPacket.decode(reply.subarray(2)).answers?.[0]?.data).toBe('10.0.0.1');
  });

  it('closes a TCP connection that stays idle for 10 seconds', async () => {
    const socket = connect(hearth.port, '127.0.0.1');
    const started = Date.now();
    await new Promise((done) => socket.once('close', done));
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
  }, 20_000);

  it('never answers a response (QR=1), so two servers cannot ping-pong', async () => {
    const response = dnsPacket.encode({ type: 'response', id: 9, questions: [{ name: 'a.t.lan', type: 'A' }] });
    expect(await udpExchange(hearth.port, response)).toBeUndefined();
  });

  it('answers a garbled question with FORMERR and keeps serving', async () => {
    const garbled = Uint8Array.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 70, 1, 2, 3]);
    const reply = await udpExchange(hearth.port, garbled);
    expect(reply && reply[3]! & 0xf).toBe(1);
    expect(reply?.readUInt16BE(0)).toBe(0x1234);
    const ok = await udpExchange(hearth.port, query(1, 'a.t.lan'));
    expect(dnsPacket.decode(ok!).answers?.[0]?.data).toBe('10.0.0.1');
  });

  it('answers an unknown opcode with NOTIMP', async () => {
    const status = query(3, 'a.t.lan');
    status[2] = (2 << 3) | 1; // opcode STATUS
    const reply = await udpExchange(hearth.port, status);
    expect(reply && reply[3]! & 0xf).toBe(4);
  });
});

describeWith(['dig'])('npm start', () => {
  it('answers a name from the shipped example zone on 127.0.0.1:5353', async () => {
    const hearth = await startDefaultHearth();
    try {
      const answer = await dig(5353, ['nas.home.lan', 'A']);
      expect(answer.status).toBe('NOERROR');
      expect(answer.answer).toEqual(['nas.home.lan. 3600 IN A 192.168.1.10']);
    } finally {
      await hearth.stop();
    }
  });
});
