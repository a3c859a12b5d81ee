// Every address hearth listens on can be bound, or is held by a hearth
// already serving; when another program holds it, it is named.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { parseListenAddress } from '../../values/listen-address.ts';
import { fail, ok, type DoctorCheck, type Finding } from './finding.ts';
import { isHearth, portHolders, type SocketKind } from './port-holder.ts';

interface Wanted {
  readonly key: string;
  readonly kind: SocketKind;
  readonly host: string;
  readonly port: number;
}

/** Binds and closes at once; resolves with the error code, or undefined when the bind worked. */
function tryBind({ kind, host, port }: Wanted): Promise<string | undefined> {
  return new Promise((done) => {
    if (kind === 'udp') {
      const socket = createSocket({ type: host.includes(':') ? 'udp6' : 'udp4' });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        socket.close();
        done(error.code ?? error.message);
      });
      socket.bind(port, host, () => socket.close(() => done(undefined)));
    } else {
      const server = createServer();
      server.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
      server.listen(port, host, () => server.close(() => done(undefined)));
    }
  });
}

function described({ key, kind, host, port }: Wanted): string {
  return `${key} ${host.includes(':') ? `[${host}]` : host}:${port}/${kind}`;
}

async function checkOne(wanted: Wanted): Promise<Finding> {
  const code = await tryBind(wanted);
  const what = described(wanted);
  if (code === undefined) return ok(`${what} is free`);
  if (code === 'EACCES') {
    return fail(`${what}: permission denied`, `ports below 1024 need CAP_NET_BIND_SERVICE: hearth.service grants it; run "sudo hearth doctor"`);
  }
  if (code === 'EADDRNOTAVAIL') {
    return fail(`${what}: ${wanted.host} is not an address of this machine`, 'list an address this machine has (ip -brief address), or 0.0.0.0');
  }
  if (code !== 'EADDRINUSE') return fail(`${what}: ${code}`);
  const holders = portHolders(wanted.kind, wanted.host, wanted.port);
  const hearth = holders.find(isHearth);
  if (hearth) return ok(`${what} is held by hearth (pid ${hearth.pid})`);
  if (holders.length === 0)
    return fail(`${what} is in use by another program`, `run "sudo hearth doctor" to see which (or: sudo ss -lnp 'sport = :${wanted.port}')`);
  const names = holders.map((holder) => `${holder.name} (pid ${holder.pid})`).join(', ');
  const hint = holders.some((holder) => holder.name.startsWith('systemd-resolve'))
    ? "systemd-resolved's stub holds 127.0.0.53:53: list only the LAN address in dns.listen, or set DNSStubListener=no"
    : `stop it (systemctl disable --now ${holders[0]!.name}) or give hearth another address`;
  return fail(`${what} is in use by ${names}`, hint);
}

function wantedOf(context: Parameters<DoctorCheck>[0]): Wanted[] {
  const { config } = context;
  const wanted: Wanted[] = [];
  const add = (key: string, text: string, defaultPort: number, kinds: readonly SocketKind[]): void => {
    const address = parseListenAddress(text, defaultPort);
    if (address) for (const kind of kinds) wanted.push({ key, kind, host: address.host, port: address.port });
  };
  for (const text of config.dns.listen) add('dns.listen', text, 53, ['udp', 'tcp']);
  if (config.dhcp.enabled) wanted.push({ key: 'dhcp', kind: 'udp', host: '0.0.0.0', port: config.dhcp.port });
  add('api.listen', config.api.listen, 8053, ['tcp']);
  if (config.ha.enabled) add('ha.listen', config.ha.listen, 5399, ['udp', 'tcp']);
  return wanted;
}

export const listenCheck: DoctorCheck = async (context) => {
  const findings: Finding[] = [];
  for (const wanted of wantedOf(context)) findings.push(await checkOne(wanted));
  return findings;
};
