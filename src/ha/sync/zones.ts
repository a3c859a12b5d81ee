// Zone sync: the RFC 2136 journal, so nsupdate, the API's record edits and
// DHCP's host names are on both nodes. The master streams each journaled
// update (its diff and serial) as it is recorded; the standby applies the
// same diff with the same serial. On connect the master asks for the
// standby's serials and sends whole overlays only for zones that differ.
import { z } from 'zod';
import type { ResourceRecord } from '../../dns/record.ts';
import { RRClass } from '../../dns/record.ts';
import type { Logger } from '../../observe/log.ts';
import type { PairRole } from '../role.ts';
import type { PeerLink } from './link.ts';
import type { PairZones, ZoneChange, ZoneOverlay } from './ports.ts';

const wireRecord = z.object({ name: z.string(), type: z.number().int(), ttl: z.number().int(), rdata: z.base64() });
const updateMessage = z.object({ dir: z.string(), origin: z.string(), serial: z.number().int(), present: z.array(wireRecord), absent: z.array(wireRecord) });
const serialsReply = z.record(z.string(), z.record(z.string(), z.number().int().nullable()));
const overlayMessage = z.object({
  zones: z.array(
    z.object({
      dir: z.string(),
      origin: z.string(),
      serial: z.number().int().nullable(),
      rows: z.array(z.object({ name: z.string(), type: z.number().int(), ttl: z.number().int(), rdata: z.base64(), present: z.number().int() })),
    }),
  ),
});

export interface ZoneSyncStatus {
  readonly streamed: number;
  readonly applied: number;
  readonly lastSnapshot: { readonly zones: number; readonly ms: number } | undefined;
}

export class ZoneReplicator {
  private readonly link: PeerLink;
  private readonly role: PairRole;
  private readonly zones: PairZones;
  private readonly reload: () => Promise<void>;
  private readonly log: Logger;
  private readonly unsubscribe: () => void;
  private streamed = 0;
  private applied = 0;
  private lastSnapshot: ZoneSyncStatus['lastSnapshot'];

  /** `reload` rebuilds the zones from their files and the journal, without dropping a query. */
  constructor(link: PeerLink, role: PairRole, zones: PairZones, reload: () => Promise<void>, log: Logger) {
    this.reload = reload;
    this.link = link;
    this.role = role;
    this.zones = zones;
    this.log = log;
    this.unsubscribe = zones.onRecord((update) => this.stream(update));
    link.handle('zone-update', (body) => this.applyUpdate(updateMessage.parse(body)));
    link.handle('zone-serials', () => this.serials());
    link.handle('zone-overlays', (body) => this.restore(overlayMessage.parse(body)));
    link.onUp(() => void this.resync());
  }

  status(): ZoneSyncStatus {
    return { streamed: this.streamed, applied: this.applied, lastSnapshot: this.lastSnapshot };
  }

  stop(): void {
    this.unsubscribe();
  }

  /** Master: the standby's serials, then the overlays of every zone that differs. */
  async resync(): Promise<void> {
    if (this.role.state !== 'master' || !this.link.isUp) return;
    const started = performance.now();
    try {
      const theirs = serialsReply.parse(await this.link.request('zone-serials', {}, 10_000));
      const zones: z.infer<typeof overlayMessage>['zones'] = [];
      for (const dir of this.zones.dirs()) {
        const overlays = this.zones.overlays(dir);
        const origins = new Set([...overlays.keys(), ...Object.keys(theirs[dir] ?? {})]);
        for (const origin of origins) {
          const overlay = overlays.get(origin);
          if ((overlay?.serial ?? null) === (theirs[dir]?.[origin] ?? null)) continue;
          zones.push({ dir, origin, serial: overlay?.serial ?? null, rows: (overlay?.rows ?? []).map(rowToWire) });
        }
      }
      if (zones.length === 0) return;
      await this.link.request('zone-overlays', { zones }, 30_000);
      this.lastSnapshot = { zones: zones.length, ms: Math.round(performance.now() - started) };
      this.log.info({ zones: zones.length, ms: this.lastSnapshot.ms }, 'zone journal synced to the standby');
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'zone journal not synced to the standby');
    }
  }

  private stream(update: ZoneChange): void {
    if (this.role.state !== 'master' || !this.link.isUp) return;
    const { dir, origin, serial, diff } = update;
    const message = { dir, origin, serial, present: diff.present.map(recordToWire), absent: diff.absent.map(recordToWire) };
    this.streamed++;
    this.link.request('zone-update', message, 10_000).then(
      (applied) => {
        if (applied === false) void this.resync();
      },
      () => undefined, // the link dropped: the next connect resyncs
    );
  }

  /** Standby: the master's diff with its serial; false when this zone is not where the diff starts. */
  private applyUpdate(update: z.infer<typeof updateMessage>): boolean {
    const diff = { present: update.present.map(recordFromWire), absent: update.absent.map(recordFromWire) };
    const result = this.zones.replay({ dir: update.dir, origin: update.origin, diff, serial: update.serial });
    if (result === 'applied') this.applied++;
    return result !== 'missing';
  }

  private serials(): z.infer<typeof serialsReply> {
    const serials: z.infer<typeof serialsReply> = {};
    for (const dir of this.zones.dirs()) {
      serials[dir] = Object.fromEntries([...this.zones.overlays(dir)].map(([origin, overlay]) => [origin, overlay.serial ?? null]));
    }
    return serials;
  }

  /** Standby: the master's overlays replace its own, then the zones are rebuilt from them. */
  private async restore(message: z.infer<typeof overlayMessage>): Promise<number> {
    for (const zone of message.zones) {
      this.zones.restore(zone.dir, zone.origin, { serial: zone.serial ?? undefined, rows: zone.rows.map(rowFromWire) });
    }
    await this.reload();
    return message.zones.length;
  }
}

function recordToWire(record: ResourceRecord) {
  return { name: record.name, type: record.type, ttl: record.ttl, rdata: Buffer.from(record.rdata).toString('base64') };
}

function recordFromWire(wire: z.infer<typeof wireRecord>): ResourceRecord {
  return { name: wire.name, type: wire.type, class: RRClass.IN, ttl: wire.ttl, rdata: new Uint8Array(Buffer.from(wire.rdata, 'base64')) };
}

function rowToWire(row: ZoneOverlay['rows'][number]) {
  return { name: row.name, type: row.type, ttl: row.ttl, rdata: Buffer.from(row.rdata).toString('base64'), present: row.present };
}

function rowFromWire(wire: z.infer<typeof overlayMessage>['zones'][number]['rows'][number]): ZoneOverlay['rows'][number] {
  return { name: wire.name, type: wire.type, ttl: wire.ttl, rdata: new Uint8Array(Buffer.from(wire.rdata, 'base64')), present: wire.present };
}
