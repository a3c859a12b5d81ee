// A real unbound on loopback for upstream tests: it answers from local data
// and forwards only to other loopback servers (everything else is refused, so
// nothing leaves the machine), over UDP and TCP and, with a certificate, DoH.
// It counts the queries it received.
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hasTool } from '../support/tools.ts';
import { tempDir } from '../support/temp-dir.ts';
import { answersUdp, startProcess, withFreePorts } from './process.ts';

const run = promisify(execFile);

export const hasUnbound = (): boolean => hasTool('unbound') && hasTool('unbound-control');

export interface UnboundOptions {
  /** `local-data` records under the static zone up.test, e.g. "a.up.test. 300 IN A 192.0.2.1". */
  readonly records?: readonly string[];
  /** Serve DoH on `httpsPort` at /dns-query with this certificate. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Zones forwarded to another server on 127.0.0.1, zone → port (e.g. a
   *  server that never answers, to keep queries in flight). */
  readonly forward?: Readonly<Record<string, number>>;
}

export interface Unbound {
  /** UDP and TCP port on 127.0.0.1. */
  readonly port: number;
  /** DoH port on 127.0.0.1 (0 without `tls`). */
  readonly httpsPort: number;
  /** Queries received since the last (re)start, over all transports, from
   *  unbound-control; the start-up probe counts, so compare differences. */
  readonly queryCount: () => Promise<number>;
  /** SIGKILL when `hard`: every connection drops mid-stream. */
  readonly stop: (hard?: boolean) => Promise<void>;
  /** Starts it again on the same ports (after stop). */
  readonly restart: () => Promise<void>;
  /** Stops it and removes its directory. */
  readonly remove: () => Promise<void>;
}

export async function startUnbound(options: UnboundOptions = {}): Promise<Unbound> {
  const dir = tempDir();
  const conf = join(dir, 'unbound.conf');
  try {
    return await withFreePorts(options.tls ? 2 : 1, ([port = 0, httpsPort = 0]) => {
      writeConfig(conf, dir, port, httpsPort, options);
      return launch(conf, dir, port, httpsPort);
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function writeConfig(conf: string, dir: string, port: number, httpsPort: number, options: UnboundOptions): void {
  writeFileSync(
    conf,
    [
      'server:',
      `  interface: 127.0.0.1@${port}`,
      `  port: ${port}`,
      '  do-ip6: no',
      '  username: ""',
      '  chroot: ""',
      `  directory: "${dir}"`,
      `  pidfile: "${join(dir, 'unbound.pid')}"`,
      '  use-syslog: no',
      '  logfile: ""',
      '  verbosity: 1',
      '  num-threads: 1',
      '  module-config: "iterator"',
      '  do-not-query-localhost: no',
      '  access-control: 127.0.0.0/8 allow',
      '  extended-statistics: yes',
      // Never recurse to the internet: names outside the test zones are refused.
      '  local-zone: "." refuse',
      '  local-zone: "up.test." static',
      ...(options.records ?? []).map((record) => `  local-data: "${record}"`),
      ...(options.tls
        ? [
            `  interface: 127.0.0.1@${httpsPort}`,
            `  https-port: ${httpsPort}`,
            `  tls-service-key: "${options.tls.keyFile}"`,
            `  tls-service-pem: "${options.tls.certFile}"`,
            '  http-endpoint: "/dns-query"',
          ]
        : []),
      'remote-control:',
      '  control-enable: yes',
      `  control-interface: "${join(dir, 'ctl.sock')}"`,
      '  control-use-cert: no',
      ...Object.entries(options.forward ?? {}).flatMap(([zone, forwardPort]) => [
        'server:',
        `  local-zone: "${zone}." transparent`,
        'forward-zone:',
        `  name: "${zone}."`,
        `  forward-addr: 127.0.0.1@${forwardPort}`,
      ]),
    ].join('\n'),
  );
}

async function launch(conf: string, dir: string, port: number, httpsPort: number): Promise<Unbound> {
  const start = () => startProcess('unbound', ['-d', '-c', conf], () => answersUdp(port));
  let server = await start();
  return {
    port,
    httpsPort,
    queryCount: async () => {
      const { stdout } = await run('unbound-control', ['-c', conf, 'stats_noreset']);
      return Number(/^total\.num\.queries=(\d+)$/m.exec(stdout)?.[1]);
    },
    stop: (hard) => server.stop(hard),
    restart: async () => {
      server = await start();
    },
    remove: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
