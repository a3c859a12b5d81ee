// Runs a test server in the foreground and waits until it answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { freePort } from '../support/ports.ts';

export interface ServerProcess {
  readonly output: () => string;
  /** Stops the server (SIGKILL when `hard`, to cut its connections mid-stream). */
  readonly stop: (hard?: boolean) => Promise<void>;
}

/** Starts `command` and resolves once `ready()` is true (polled), or rejects
 *  with the server's output when it exits or takes longer than 10 s. */
export async function startProcess(command: string, args: readonly string[], ready: () => Promise<boolean>): Promise<ServerProcess> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  // Should the test process end without stop() (a crash, a timeout), the server goes with it.
  const orphaned = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', orphaned);
  const exited = new Promise<void>((done) =>
    child.once('exit', () => {
      process.off('exit', orphaned);
      done();
    }),
  );
  const server: ServerProcess = {
    output: () => output,
    stop: async (hard = false) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(hard ? 'SIGKILL' : 'SIGTERM');
      await exited;
    },
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${command} exited:\n${output}`);
    if (await ready().catch(() => false)) return server;
    if (Date.now() > deadline) {
      await server.stop(true);
      throw new Error(`${command} did not start in 10 s:\n${output}`);
    }
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Runs `start` with `count` free ports on 127.0.0.1, and again with new
 *  ones when it fails (up to 3 times): another process may take a free port
 *  before the server binds it. */
export async function withFreePorts<T>(count: number, start: (ports: number[]) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const ports: number[] = [];
    while (ports.length < count) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    try {
      return await start(ports);
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** Whether a DNS server answers a query for `name` over UDP on 127.0.0.1:`port` within 200 ms. */
export function answersUdp(port: number, name = 'ready.test'): Promise<boolean> {
  const socket = createSocket('udp4');
  return new Promise<boolean>((done) => {
    const timer = setTimeout(() => done(false), 200);
    socket.once('message', () => {
      clearTimeout(timer);
      done(true);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      done(false);
    });
    socket.send(dnsPacket.encode({ type: 'query', id: 1, questions: [{ name, type: 'A' }] }), port, '127.0.0.1');
  }).finally(() => socket.close());
}
