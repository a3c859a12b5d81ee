// A throwaway certificate authority for TLS tests: a self-signed CA and one
// server certificate it signed, made with openssl in a temporary directory.
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);

export interface TestCa {
  /** The CA certificate, for an upstream's caFile. */
  readonly caFile: string;
  /** The server's certificate and key (PEM), for the server under test. */
  readonly certFile: string;
  readonly keyFile: string;
  readonly remove: () => void;
}

/** The server certificate is valid for 127.0.0.1, ::1, localhost and `names`. */
export async function makeTestCa(names: readonly string[] = []): Promise<TestCa> {
  const dir = tempDir();
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): Promise<unknown> => run('openssl', args, { cwd: dir });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl('req', '-x509', ...key, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=hearth test CA');
  await openssl('req', ...key, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  const alt = ['IP:127.0.0.1', 'IP:::1', 'DNS:localhost', ...names.map((name) => `DNS:${name}`)].join(',');
  writeFileSync(file('server.ext'), `subjectAltName=${alt}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  await openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'server.ext',
    '-out',
    'server.pem',
  );
  return {
    caFile: file('ca.pem'),
    certFile: file('server.pem'),
    keyFile: file('server.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
