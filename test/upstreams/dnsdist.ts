// A real dnsdist on loopback as a DoT frontend (RFC 7858) to a backend such
// as startUnbound's, for upstream tests. It sends no query of its own: no
// security polling, no health checks.
import { rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { hasTool } from '../support/tools.ts';
import { tempDir } from '../support/temp-dir.ts';
import { startProcess, withFreePorts } from './process.ts';

export const hasDnsdist = (): boolean => hasTool('dnsdist');

export interface DnsdistOptions {
  /** The backend's port on 127.0.0.1. */
  readonly backendPort: number;
  readonly tls: { readonly certFile: string; readonly keyFile: string };
}

export interface Dnsdist {
  /** The DoT port on 127.0.0.1. */
  readonly tlsPort: number;
  /** SIGKILL when `hard`. */
  readonly stop: (hard?: boolean) => Promise<void>;
  /** Stops it and removes its directory. */
  readonly remove: () => Promise<void>;
}

export async function startDnsdist(options: DnsdistOptions): Promise<Dnsdist> {
  const dir = tempDir();
  const conf = join(dir, 'dnsdist.conf');
  try {
    return await withFreePorts(2, async ([tlsPort = 0, plainPort = 0]) => {
      writeFileSync(
        conf,
        [
          "setSecurityPollSuffix('')",
          // dnsdist listens on 127.0.0.1:53 unless told otherwise.
          `setLocal('127.0.0.1:${plainPort}')`,
          // maxInFlight: read a pipelined burst at once (RFC 7766 §6.2.1.1);
          // without it dnsdist 1.7 answers the first queries of the burst and
          // leaves the rest until its 2 s read timeout closes the connection.
          `addTLSLocal('127.0.0.1:${tlsPort}', '${options.tls.certFile}', '${options.tls.keyFile}', { maxInFlight = 1000 })`,
          `newServer({address='127.0.0.1:${options.backendPort}'}):setUp()`,
        ].join('\n'),
      );
      const server = await startProcess('dnsdist', ['-C', conf, '--supervised', '--disable-syslog'], () => accepts(tlsPort));
      return {
        tlsPort,
        stop: (hard) => server.stop(hard),
        remove: async () => {
          await server.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}
