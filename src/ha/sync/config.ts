// Config sync: the master offers its house config (node-local keys left out,
// see node-local.ts) with its version when the link comes up and after every
// change; the standby writes it atomically with its own node-local keys put
// back and reloads it the way PUT /config does (no DNS restart), numbered
// with the master's version, so both show the same version and hash.
//
// After a partition both may have changed it. A side changed its config
// since the last agreement when its version moved past the agreed one (a
// node that never agreed with its peer joins: it takes the master's); if both did, the higher version wins, a tie goes to the higher node id, and
// the loser's config is kept in a conflict file (named in the log and in
// the status), never silently dropped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../../observe/log.ts';
import { writeFileAtomic } from '../../store/atomic.ts';
import type { PairRole } from '../role.ts';
import type { PeerLink } from './link.ts';
import { sharedConfig, sharedHash, withLocalKeys } from './node-local.ts';
import type { HouseConfig } from './ports.ts';

/** The node's config as the sync reads and replaces it (the app implements it). */
export interface PairConfig {
  current(): HouseConfig;
  version(): number;
  /** Validates `config`, writes it atomically and hot-reloads it, as PUT /config does, numbered `version`. */
  adopt(config: unknown, version: number): Promise<void>;
}

const offer = z.object({ node: z.string(), version: z.number().int(), hash: z.string(), config: z.record(z.string(), z.unknown()) });
type Offer = z.infer<typeof offer>;
const answer = z.union([z.object({ took: z.literal(true) }), z.object({ newer: offer })]);

export interface ConfigSyncStatus {
  readonly version: number;
  /** sha256 of the shared config: equal on both nodes when in sync. */
  readonly hash: string;
  readonly inSync: boolean;
  readonly conflictFiles: readonly string[];
}

interface Agreed {
  readonly version: number;
  readonly hash: string;
}

export class ConfigReplicator {
  private readonly link: PeerLink;
  private readonly role: PairRole;
  private readonly config: PairConfig;
  private readonly log: Logger;
  private readonly nodeId: string;
  private readonly dataDir: string;
  private readonly conflictFiles: string[] = [];
  private agreed: Agreed | undefined;
  private pushing: Promise<void> = Promise.resolve();

  constructor(options: { link: PeerLink; role: PairRole; config: PairConfig; log: Logger; nodeId: string; dataDir: string }) {
    ({ link: this.link, role: this.role, config: this.config, log: this.log, nodeId: this.nodeId, dataDir: this.dataDir } = options);
    this.agreed = readAgreed(this.agreedFile);
    this.link.handle('config', (body) => this.offered(offer.parse(body)));
    this.link.handle('config-pull', () => this.changed());
    this.link.onUp(() => this.changed());
  }

  status(): ConfigSyncStatus {
    const hash = sharedHash(this.config.current());
    return { version: this.config.version(), hash, inSync: this.agreed?.hash === hash, conflictFiles: [...this.conflictFiles] };
  }

  /** The config changed here (or the link came up): the master offers it; the
   *  standby asks for the master's offer, so a file edited on the standby
   *  (SIGHUP) goes to the master by the rule above (its version is the higher). */
  changed(): void {
    if (this.role.state === 'backup' && this.link.isUp) {
      this.link.send('config-pull', {});
      return;
    }
    if (this.role.state !== 'master' || !this.link.isUp) return;
    this.pushing = this.pushing.then(() => this.push()).catch((error: Error) => this.log.warn({ err: error.message }, 'config not synced to the standby'));
  }

  private async push(): Promise<void> {
    if (this.role.state !== 'master' || !this.link.isUp) return;
    const mine = this.ownOffer();
    const reply = answer.parse(await this.link.request('config', mine, 30_000));
    if ('took' in reply) return this.agree(mine);
    // The standby's change wins: a file edited there, or a change made while apart
    // (then this node's own change since the agreement is kept for the user).
    if (this.changedSinceAgreed(mine)) this.keepLoser(mine, reply.newer.node);
    await this.config.adopt(withLocalKeys(reply.newer.config, this.config.current()), reply.newer.version);
    this.agree(reply.newer);
  }

  /** Standby: the master's config, unless this node's own change since the last agreement wins. */
  private async offered(theirs: Offer): Promise<z.infer<typeof answer>> {
    const mine = this.ownOffer();
    const changedHere = mine.hash !== theirs.hash && this.agreed !== undefined && this.changedSinceAgreed(mine);
    if (changedHere && (mine.version > theirs.version || (mine.version === theirs.version && mine.node > theirs.node))) {
      this.log.warn({ mine: mine.version, theirs: theirs.version }, "config changed on both nodes while apart: this node's newer config wins");
      return { newer: mine };
    }
    // A node joining the pair for the first time takes the master's config; its own is kept too.
    if (changedHere || (this.agreed === undefined && mine.hash !== theirs.hash)) this.keepLoser(mine, theirs.node);
    if (mine.hash !== theirs.hash || mine.version !== theirs.version) {
      await this.config.adopt(withLocalKeys(theirs.config, this.config.current()), theirs.version);
      this.log.info({ version: theirs.version, from: theirs.node }, 'config synced from the master');
    }
    this.agree(theirs);
    return { took: true };
  }

  private ownOffer(): Offer {
    const config = this.config.current();
    return { node: this.nodeId, version: this.config.version(), hash: sharedHash(config), config: sharedConfig(config) };
  }

  /** Whether this node's config moved past the last one both agreed on. */
  private changedSinceAgreed(mine: Offer): boolean {
    return this.agreed !== undefined && mine.version > this.agreed.version && mine.hash !== this.agreed.hash;
  }

  private agree(agreed: Agreed): void {
    this.agreed = { version: agreed.version, hash: agreed.hash };
    writeFileAtomic(this.agreedFile, `${JSON.stringify(this.agreed)}\n`);
  }

  /** The losing side's config, kept for the user to merge by hand. */
  private keepLoser(loser: Offer, winner: string): void {
    const file = join(this.dataDir, `config-conflict-${new Date().toISOString().replaceAll(':', '')}-v${loser.version}.json`);
    writeFileAtomic(file, `${JSON.stringify(loser.config, null, 2)}\n`);
    this.conflictFiles.push(file);
    this.log.warn({ file, lost: loser.version, winner }, "config changed on both nodes while apart: this node's changes lost and were kept in a conflict file");
  }

  private get agreedFile(): string {
    return join(this.dataDir, 'ha-config-agreed.json');
  }
}

function readAgreed(file: string): Agreed | undefined {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<Agreed>;
    return typeof saved.version === 'number' && typeof saved.hash === 'string' ? { version: saved.version, hash: saved.hash } : undefined;
  } catch {
    return undefined; // never synced: any difference counts as a change here
  }
}
