// The pair's state sync as the app sees it: one link to the peer (the first
// of `ha.peers`) and the replicators riding on it. It follows the election
// through PairRole: on becoming master it serves DHCP with the replicated
// leases and offers its state; as the standby it keeps DHCP closed and takes
// the master's. Not synced: the cache, the query log, statistics (each
// node's own).
import { parseListenAddress } from '../../values/listen-address.ts';
import type { Logger } from '../../observe/log.ts';
import type { HaState, PairRole } from '../role.ts';
import { readPairSecret } from '../secret.ts';
import { channelKey } from './channel.ts';
import { ClockSkew, type SkewStatus } from './clock.ts';
import { ConfigReplicator, type ConfigSyncStatus, type PairConfig } from './config.ts';
import { WriteForwarding, type ApiAnswer, type ApiWrite } from './forward.ts';
import type { SignedResponder } from '../../dns/server.ts';
import { DdnsReplicator, type PairDdns } from './ddns.ts';
import { FileReplicator, type FileSyncStatus } from './files.ts';
import { LeaseReplicator, type LeaseSyncStatus } from './leases.ts';
import { PeerLink } from './link.ts';
import type { PairDhcp, PairZones } from './ports.ts';
import { ZoneReplicator, type ZoneSyncStatus } from './zones.ts';

/** What the sync reads and changes of this node (the app implements it). */
export interface PairState {
  readonly config: PairConfig;
  readonly zones: PairZones;
  readonly ddns: PairDdns;
  /** Rebuilds what files and the journal make (zones, lists) without dropping a query, as a reload does. */
  reload(): Promise<void>;
}

export interface PairSyncStatus {
  readonly peer: string;
  readonly connected: boolean;
  readonly config: ConfigSyncStatus;
  readonly leases: LeaseSyncStatus;
  readonly zones: ZoneSyncStatus;
  readonly files: FileSyncStatus;
  readonly clockSkew: SkewStatus;
  /** What each node keeps for itself. */
  readonly notSynced: readonly string[];
}

export class PairSync {
  private readonly link: PeerLink;
  private readonly role: PairRole;
  private readonly peer: string;
  private readonly configSync: ConfigReplicator;
  private readonly leaseSync: LeaseReplicator;
  private readonly zoneSync: ZoneReplicator;
  private readonly fileSync: FileReplicator;
  private readonly ddnsSync: DdnsReplicator;
  private readonly skew: ClockSkew;
  private readonly forwarding: WriteForwarding;
  private readonly unsubscribe: () => void;
  private dhcp: PairDhcp | undefined;

  private constructor(link: PeerLink, role: PairRole, peer: string, { config, zones, ddns, reload }: PairState, log: Logger) {
    const current = config.current();
    this.link = link;
    this.role = role;
    this.peer = peer;
    this.configSync = new ConfigReplicator({ link, role, config, log, nodeId: current.ha.node_id, dataDir: current.data_dir });
    this.leaseSync = new LeaseReplicator(link, role, log);
    this.zoneSync = new ZoneReplicator(link, role, zones, reload, log);
    this.fileSync = new FileReplicator({ link, role, config: () => config.current(), reload, log });
    this.ddnsSync = new DdnsReplicator(link, role, ddns, log);
    this.skew = new ClockSkew(link, log);
    this.forwarding = new WriteForwarding(link, role, peer, () => config.current(), log);
    this.unsubscribe = role.onTransition((to) => this.follow(to));
  }

  /** The sync of an enabled pair; undefined when `ha` is off or names no peer. Throws on a bad secret or listen address. */
  static async start(options: { readonly state: PairState; readonly role: PairRole; readonly log: Logger }): Promise<PairSync | undefined> {
    const { ha } = options.state.config.current();
    const [peerText, ...others] = ha.peers;
    if (!ha.enabled || peerText === undefined) return undefined;
    if (others.length > 0) options.log.warn({ peers: ha.peers }, 'ha.peers: a pair syncs with its first peer only');
    if (ha.secret_file === undefined) throw new Error('ha.secret_file: the pair needs a shared secret to sync (make one with "hearth ha keygen")');
    const self = parseListenAddress(ha.listen, 5399);
    const peer = parseListenAddress(peerText, 5399);
    if (!self || !peer) throw new Error(`ha.listen ${ha.listen} or ha.peers ${peerText} is not an address:port`);
    const link = new PeerLink({ key: channelKey(readPairSecret(ha.secret_file)), self, peer, log: options.log });
    const sync = new PairSync(link, options.role, peerText, options.state, options.log);
    await link.start();
    // The role may have moved before the sync subscribed (the election starts first).
    sync.ddnsSync.follow(options.role.state);
    return sync;
  }

  /** The DHCP service when DHCP is on (undefined when it stops): its leases
   *  are replicated, and it answers clients only on the master. Call before its start(). */
  useDhcp(service: PairDhcp | undefined): void {
    this.dhcp = service;
    this.leaseSync.use(service?.replicated);
    service?.serve(this.role.state === 'master');
  }

  /** `inner` answering UPDATEs on the master; on the standby they go to the master. */
  forwardUpdates(inner: SignedResponder): SignedResponder {
    return this.forwarding.forwardingUpdates(inner);
  }

  /** How this node runs an API write the standby forwarded (its own API). */
  serveApi(run: (write: ApiWrite) => Promise<ApiAnswer>): void {
    this.forwarding.serveApi(run);
  }

  /** On the standby, the master's answer to `write`; undefined on the master (it
   *  answers itself). Rejects with MasterUnreachable when the master does not answer. */
  forwardApi(write: ApiWrite): Promise<ApiAnswer> | undefined {
    return this.forwarding.forwards ? this.forwarding.forwardApi(write) : undefined;
  }

  /** The config in force changed (PUT /config, SIGHUP, or the peer's). */
  configChanged(): void {
    this.configSync.changed();
    this.fileSync.changed();
  }

  /** Files the config names, or downloaded lists, may have changed here. */
  filesChanged(): void {
    this.fileSync.changed();
  }

  /** Only the master downloads URL lists; the standby takes its copies. */
  get downloadsLists(): boolean {
    return this.role.state === 'master';
  }

  status(): PairSyncStatus {
    return {
      peer: this.peer,
      connected: this.link.isUp,
      config: this.configSync.status(),
      leases: this.leaseSync.status(),
      zones: this.zoneSync.status(),
      files: this.fileSync.status(),
      clockSkew: this.skew.status(),
      notSynced: ['cache', 'query log', 'statistics'],
    };
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    this.leaseSync.stop();
    this.zoneSync.stop();
    this.fileSync.stop();
    this.ddnsSync.stop();
    this.skew.stop();
    await this.link.stop();
  }

  private follow(to: HaState): void {
    // A new master serves the replicated leases at once; a standby stays closed.
    this.dhcp?.serve(to === 'master');
    this.ddnsSync.follow(to);
    if (to !== 'master') return;
    this.leaseSync.becameMaster();
    this.configSync.changed();
    this.fileSync.changed();
    void this.zoneSync.resync();
  }
}
