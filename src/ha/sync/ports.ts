// What the pair's sync reads of the rest of hearth, as it needs it: the
// composition layer (app.ts, wiring.ts) hands in the real services, which
// have these shapes (ha/ imports no other feature; ARCHITECTURE.md).
import type { ResourceRecord } from '../../dns/record.ts';

/** The parts of the house config the sync reads (the full config has them). */
export interface HouseConfig {
  readonly data_dir: string;
  readonly ha: {
    readonly enabled: boolean;
    readonly node_id: string;
    readonly listen: string;
    readonly peers: readonly string[];
    readonly secret_file?: string | undefined;
  };
  readonly api: { readonly token_file: string };
  readonly dns: FileSections & { readonly views: readonly FileSections[] };
}

/** A section of dns (or one view) that names files. */
export interface FileSections {
  readonly zones_dir?: string | undefined;
  readonly cloaking?: { readonly files: readonly string[] } | undefined;
  readonly blocking?: { readonly lists: readonly string[]; readonly allow: readonly string[] } | undefined;
}

/** A DHCP lease (dhcp/leases.ts's Lease). */
export interface SyncedLease {
  readonly address: string;
  readonly client: string;
  readonly mac: string;
  readonly clientId: string | undefined;
  readonly hostname: string | undefined;
  /** Milliseconds since the epoch. */
  readonly expires: number;
}

export type SyncedLeaseChange = { readonly kind: 'upsert'; readonly lease: SyncedLease } | { readonly kind: 'remove'; readonly address: string };

/** The lease store as the sync reads, applies and gates it (dhcp/leases.ts's LeaseStore). */
export interface ReplicatedLeases {
  all(): Iterable<SyncedLease>;
  apply(change: SyncedLeaseChange, committed?: (ok: boolean) => void): void;
  replicateWith(replication: ((changes: readonly SyncedLeaseChange[]) => Promise<void>) | undefined): void;
}

/** The DHCP service of a node (dhcp/dhcp-service.ts's DhcpService). */
export interface PairDhcp {
  serve(on: boolean): void;
  readonly replicated: ReplicatedLeases;
}

/** One journaled zone update (dns/update/journal.ts's JournaledUpdate). */
export interface ZoneChange {
  readonly dir: string;
  readonly origin: string;
  readonly diff: { readonly present: readonly ResourceRecord[]; readonly absent: readonly ResourceRecord[] };
  readonly serial: number;
}

/** A zone's journal overlay: the rows its file does not have, and its serial. */
export interface ZoneOverlay {
  readonly serial: number | undefined;
  readonly rows: readonly { readonly name: string; readonly type: number; readonly rdata: Uint8Array; readonly ttl: number; readonly present: number }[];
}

/** The zones and their journal (wiring.ts joins them to dns/update). */
export interface PairZones {
  onRecord(listener: (change: ZoneChange) => void): () => void;
  /** The zones_dirs loaded, as the config names them (the same strings on both nodes). */
  dirs(): Iterable<string>;
  overlays(dir: string): ReadonlyMap<string, ZoneOverlay>;
  restore(dir: string, origin: string, overlay: ZoneOverlay): void;
  /** Applies the master's change with its serial: 'had' when this zone is there already,
   *  'missing' when it is not where the change starts (the master then sends the zone whole). */
  replay(change: ZoneChange): 'applied' | 'had' | 'missing';
}
