// The real DHCP clients of the lab: ISC dhclient and busybox udhcpc, each
// in its own lab host. Their scripts configure the address on the host's
// interface (a renewing client sends from it) and record every event with
// the options received, which the tests read; they never touch resolv.conf.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { LAN_IF, type LabHost } from './lan.ts';
import { waitFor } from './wait.ts';

/** One run of a client's script: the event and the options it was given. */
export interface ClientEvent {
  /** dhclient's $reason (BOUND, RENEW, REBOOT, RELEASE...) or udhcpc's $1 (bound, renew, deconfig...). */
  readonly event: string;
  readonly ip: string;
  readonly routers: readonly string[];
  readonly dns: readonly string[];
  readonly domain: string;
  readonly hostname: string;
  readonly server: string;
}

const RECORD = `
{ echo "event=$EVENT"; echo "ip=$IP"; echo "routers=$ROUTERS"; echo "dns=$DNS"
  echo "domain=$DOMAIN"; echo "hostname=$HOSTNAME_OPT"; echo "server=$SERVER"; echo; } >> "$EVENTS"`;

/** The events a client's script recorded so far, oldest first. */
function readEvents(path: string): ClientEvent[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const fields = new Map(
        block
          .trim()
          .split('\n')
          .map((line) => {
            const at = line.indexOf('=');
            return [line.slice(0, at), line.slice(at + 1)] as const;
          }),
      );
      const field = (name: string): string => fields.get(name) ?? '';
      const list = (name: string): string[] => field(name).split(/\s+/).filter(Boolean);
      return {
        event: field('event'),
        ip: field('ip'),
        routers: list('routers'),
        dns: list('dns'),
        domain: field('domain'),
        hostname: field('hostname'),
        server: field('server'),
      };
    });
}

abstract class LabClient {
  readonly host: LabHost;
  readonly hostname: string | undefined;
  protected readonly dir: string;
  protected readonly events: string;

  constructor(host: LabHost, workDir: string, hostname: string | undefined) {
    this.host = host;
    this.hostname = hostname;
    this.dir = join(workDir, host.name);
    mkdirSync(this.dir, { recursive: true });
    this.events = join(this.dir, 'events');
  }

  /** Every event so far, oldest first. */
  history(): ClientEvent[] {
    return readEvents(this.events);
  }

  /** Waits for an event after the first `after` ones that `match` accepts. */
  async nextEvent(match: (event: ClientEvent) => boolean, after: number, what: string): Promise<ClientEvent> {
    const found = await waitFor(
      what,
      () => this.history().slice(after).find(match),
      () => this.describe(),
    );
    return found;
  }

  protected describe(): string {
    return `${this.host.name}'s events: ${JSON.stringify(this.history())}`;
  }

  protected writeScript(body: string): string {
    const path = join(this.dir, 'script');
    writeFileSync(path, `#!/bin/sh\nPATH=/usr/sbin:/usr/bin:/sbin:/bin\nEVENTS='${this.events}'\n${body}\n`, { mode: 0o755 });
    return path;
  }
}

const DHCLIENT_BOUND = new Set(['BOUND', 'RENEW', 'REBIND', 'REBOOT']);

/** ISC dhclient; after its first lease it runs on as a daemon, as on a real machine. */
export class Dhclient extends LabClient {
  readonly #files: string[];

  constructor(host: LabHost, workDir: string, hostname?: string) {
    super(host, workDir, hostname);
    const script = this.writeScript(`
EVENT=$reason IP=$new_ip_address ROUTERS=$new_routers DNS=$new_domain_name_servers
DOMAIN=$new_domain_name HOSTNAME_OPT=$new_host_name SERVER=$new_dhcp_server_identifier${RECORD}
case $reason in
  PREINIT) ip link set dev "$interface" up ;;
  BOUND|RENEW|REBIND|REBOOT) ip addr flush dev "$interface"; ip addr add "$new_ip_address/$new_subnet_mask" dev "$interface" ;;
  EXPIRE|FAIL|RELEASE|STOP) ip addr flush dev "$interface" ;;
esac`);
    const config = join(this.dir, 'dhclient.conf');
    writeFileSync(
      config,
      [
        'timeout 30;',
        'retry 1;',
        'initial-interval 1;',
        ...(hostname === undefined ? [] : [`send host-name "${hostname}";`]),
        'request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, host-name;',
      ].join('\n'),
    );
    this.#files = ['-lf', join(this.dir, 'leases'), '-pf', join(this.dir, 'pid'), '-cf', config, '-sf', script];
  }

  /** Makes dhclient believe it holds `ip` until 2099, so its next start is an INIT-REBOOT asking for it (RFC 2131 §3.2). */
  remember(ip: string, server: string): void {
    const until = '4 2099/01/01 00:00:00';
    writeFileSync(
      join(this.dir, 'leases'),
      `lease {\n  interface "${LAN_IF}";\n  fixed-address ${ip};\n` +
        `  option subnet-mask 255.255.255.0;\n  option dhcp-server-identifier ${server};\n` +
        `  renew ${until};\n  rebind ${until};\n  expire ${until};\n}\n`,
    );
  }

  /** Runs dhclient until it holds a lease (then it stays on as a daemon); returns the lease's event. */
  async obtain(): Promise<ClientEvent> {
    const before = this.history().length;
    try {
      await this.host.exec('dhclient', ['-1', '-v', ...this.#files, LAN_IF], 90_000);
    } catch (error) {
      throw new Error(`dhclient got no lease: ${(error as { stderr?: string }).stderr ?? String(error)}\n${this.describe()}`);
    }
    return this.nextEvent((event) => DHCLIENT_BOUND.has(event.event), before, `${this.host.name}'s lease`);
  }

  /** `dhclient -r`: stops the daemon and sends a DHCPRELEASE. */
  async release(): Promise<void> {
    await this.host.exec('dhclient', ['-r', '-v', ...this.#files, LAN_IF]);
  }
}

/** busybox udhcpc, in the foreground. */
export class Udhcpc extends LabClient {
  readonly #script: string;
  #process: ChildProcess | undefined;
  #output = '';

  constructor(host: LabHost, workDir: string, hostname?: string) {
    super(host, workDir, hostname);
    this.#script = this.writeScript(`
EVENT=$1 IP=$ip ROUTERS=$router DNS=$dns DOMAIN=$domain HOSTNAME_OPT=$hostname SERVER=$serverid${RECORD}
case $1 in
  deconfig) ip addr flush dev "$interface"; ip link set dev "$interface" up ;;
  bound|renew) ip addr flush dev "$interface"; ip addr add "$ip/$mask" dev "$interface" ;;
esac`);
  }

  #args(extra: readonly string[]): string[] {
    return [
      '-i',
      LAN_IF,
      '-f',
      '-n',
      '-t',
      '5',
      '-T',
      '2',
      '-A',
      '1',
      '-s',
      this.#script,
      ...(this.hostname === undefined ? [] : ['-x', `hostname:${this.hostname}`]),
      ...extra,
    ];
  }

  /** Runs udhcpc until it has a lease and quits (`-q`); `-r IP` asks for an address. */
  async obtainOnce(requested?: string): Promise<ClientEvent> {
    const before = this.history().length;
    try {
      await this.host.exec('udhcpc', this.#args(['-q', ...(requested === undefined ? [] : ['-r', requested])]), 90_000);
    } catch (error) {
      throw new Error(`udhcpc got no lease: ${(error as { stderr?: string }).stderr ?? String(error)}\n${this.describe()}`);
    }
    return this.nextEvent((event) => event.event === 'bound', before, `${this.host.name}'s lease`);
  }

  /** Whether a udhcpc that quits when it gets no lease (`-n`) gets one. */
  async getsLease(): Promise<boolean> {
    return this.host.exec('udhcpc', this.#args(['-q']), 90_000).then(
      () => true,
      () => false,
    );
  }

  /** Starts udhcpc to stay on (renewing when told); returns its first lease. */
  async start(): Promise<ClientEvent> {
    const before = this.history().length;
    const child = this.host.spawn('udhcpc', this.#args([]), { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => {
      this.#output += chunk.toString();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      this.#output += chunk.toString();
    });
    this.#process = child;
    return this.nextEvent((event) => event.event === 'bound', before, `${this.host.name}'s lease`);
  }

  /** SIGUSR1: udhcpc renews now, unicast to its server (RFC 2131 §4.4.5 RENEWING); returns the outcome. */
  async renew(): Promise<ClientEvent> {
    const before = this.history().length;
    this.#process?.kill('SIGUSR1');
    return this.nextEvent((event) => event.event !== 'leasefail', before, `${this.host.name}'s renewal`);
  }

  stop(): void {
    this.#process?.kill('SIGTERM');
  }

  protected override describe(): string {
    return `${super.describe()}\nudhcpc said: ${this.#output}`;
  }
}
