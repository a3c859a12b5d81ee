// BIND named serving a folder of zone files on loopback, authoritative only,
// with minimal responses (hearth adds no NS or addresses a question does not
// need, and neither does named then) and $INCLUDE paths resolved from that
// folder, as hearth resolves them from the including file. One zone takes
// RFC 2136 updates signed with a key, as hearth's dns_update does.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../harness.ts';
import { answersUdp, startProcess, withFreePorts, type ServerProcess } from '../../upstreams/process.ts';

/** A TSIG key that may update the zone `origin` (RFC 2136). */
export interface UpdateKey {
  readonly name: string;
  readonly secret: string;
  readonly origin: string;
}

export async function startNamed(zonesDir: string, origins: readonly string[], key: UpdateKey): Promise<ServerProcess & { port: number }> {
  const dir = tempDir();
  return withFreePorts(1, async ([port]) => {
    const zones = origins.map(
      (origin) =>
        `zone "${origin}" { type primary; file "${join(zonesDir, `${origin}.zone`)}";` +
        `${origin === key.origin ? ` allow-update { key ${key.name}; };` : ''} };`,
    );
    writeFileSync(
      join(dir, 'named.conf'),
      `options {
  directory "${zonesDir}";
  pid-file "${dir}/named.pid";
  session-keyfile "${dir}/session.key";
  managed-keys-directory "${dir}";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  minimal-responses yes;
  dnssec-validation no;
  notify no;
};
controls { };
key "${key.name}" { algorithm hmac-sha256; secret "${key.secret}"; };
${zones.join('\n')}
`,
    );
    const named = await startProcess('named', ['-g', '-c', join(dir, 'named.conf'), '-n', '1'], () => answersUdp(port!, origins[0]));
    return { ...named, port: port! };
  });
}
