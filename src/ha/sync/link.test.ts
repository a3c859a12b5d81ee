import { createServer, connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { capturingLogger, eventually } from '../../../test/support/pair.ts';
import { freePort } from '../../../test/support/ports.ts';
import { channelKey } from './channel.ts';
import { PeerLink, type Endpoint } from './link.ts';

const secret = randomBytes(32);
const running: { stop(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const each of running.splice(0)) await each.stop();
});

async function pair(keys: [Buffer, Buffer] = [secret, secret], peerOf?: (other: Endpoint) => Endpoint, ports?: [number, number]) {
  const a: Endpoint = { host: '127.0.0.1', port: ports?.[0] ?? (await freePort()) };
  const b: Endpoint = { host: '127.0.0.1', port: ports?.[1] ?? (await freePort()) };
  const logs = [capturingLogger(), capturingLogger()];
  const first = new PeerLink({ key: channelKey(keys[0]), self: a, peer: peerOf ? peerOf(b) : b, log: logs[0]!.log });
  const second = new PeerLink({ key: channelKey(keys[1]), self: b, peer: a, log: logs[1]!.log });
  running.push(first, second);
  await first.start();
  await second.start();
  return { first, second, logs, a, b };
}

describe('the sync channel', () => {
  it('connects the two nodes and carries messages and replies both ways', async () => {
    const { first, second } = await pair();
    const seen: unknown[] = [];
    second.handle('note', (body) => void seen.push(body));
    first.handle('double', (body) => (body as number) * 2);
    await eventually(() => first.isUp && second.isUp);
    expect(first.send('note', { hello: 'pi-b' })).toBe(true);
    await eventually(() => seen.length === 1);
    expect(seen).toEqual([{ hello: 'pi-b' }]);
    expect(await second.request('double', 21, 2_000)).toBe(42);
  });

  it('refuses a peer with the wrong secret, logs it, and gives it nothing', async () => {
    const { first, second, logs } = await pair([secret, randomBytes(32)]);
    const seen: unknown[] = [];
    first.handle('note', (body) => void seen.push(body));
    second.handle('note', (body) => void seen.push(body));
    await eventually(() => /authentication failed/.test(logs[0]!.lines() + logs[1]!.lines()));
    expect(first.isUp || second.isUp).toBe(false);
    expect(first.send('note', 'x') || second.send('note', 'x')).toBe(false);
    expect(seen).toEqual([]);
  });

  it('reconnects after the connection drops', async () => {
    const { first, second } = await pair();
    let ups = 0;
    second.onUp(() => ups++);
    await eventually(() => first.isUp && second.isUp);
    const before = ups;
    (first as unknown as { connection: { close(why: string): void } }).connection.close('cut by the test');
    await eventually(() => ups > before && first.isUp);
    expect(await first.request('echo', 1, 2_000).catch((error: Error) => error.message)).toMatch(/unknown message type/);
  });

  it('puts no plaintext on the wire: a TSIG secret in a message is not in the captured bytes', async () => {
    // A relay between the two nodes records every byte, as a capture would.
    const wire: Buffer[] = [];
    // The first node dials (its port is the lowest), through the relay.
    const [low, relayPort, high] = [await freePort(), await freePort(), await freePort()].sort((x, y) => x - y) as [number, number, number];
    let target = 0;
    const sockets: Socket[] = [];
    const relay = createServer((inbound: Socket) => {
      const outbound = connect(target, '127.0.0.1');
      sockets.push(inbound, outbound);
      inbound.on('data', (chunk) => {
        wire.push(chunk);
        outbound.write(chunk);
      });
      outbound.on('data', (chunk) => {
        wire.push(chunk);
        inbound.write(chunk);
      });
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    await new Promise<void>((done) => relay.listen(relayPort, '127.0.0.1', done));
    running.push({
      stop: () =>
        new Promise<void>((done) => {
          for (const socket of sockets) socket.destroy();
          relay.close(() => done());
        }),
    });
    const { first, second } = await pair(
      undefined,
      (other) => {
        target = other.port;
        return { host: '127.0.0.1', port: relayPort };
      },
      [low, high],
    );
    expect(first.dials).toBe(true);
    const tsig = 'c2VjcmV0LXRzaWcta2V5LWZvci10aGUtdGVzdA==';
    const got: unknown[] = [];
    second.handle('config', (body) => void got.push(body));
    await eventually(() => first.isUp);
    first.send('config', { dns_update: { keys: [{ name: 'house', secret: tsig }] } });
    await eventually(() => got.length === 1);
    const captured = Buffer.concat(wire);
    expect(captured.length).toBeGreaterThan(100);
    expect(captured.includes(tsig)).toBe(false);
    expect(captured.includes('dns_update')).toBe(false);
  });
});
