// What arrives on the DNS sockets needing a key: RFC 2136 UPDATEs, and
// queries signed with TSIG (nsupdate and certbot's rfc2136 plugin ask for
// the zone's SOA that way first). TSIG is checked first (RFC 8945 §5.2:
// nothing of a message that fails it is processed); for an UPDATE then the
// zone, the key's permission for it, and the update itself. Every answer to
// a signed request is signed with the same key, over the request's MAC.
import type { Logger } from '../../observe/log.ts';
import { ThrottledLog } from '../../diagnostics/throttled-log.ts';
import { Rcode } from '../message.ts';
import type { Client } from '../pipeline.ts';
import type { Name } from '../record.ts';
import type { TsigKey } from '../tsig/key.ts';
import { signMessage, tsigSize } from '../tsig/sign.ts';
import { ReplayCache } from '../tsig/replay.ts';
import { signRejection, verifyRequest } from '../tsig/verify.ts';
import type { ZoneSet } from '../zones/zoneset.ts';
import type { AnswerUnsigned, SignedResponder } from '../server.ts';
import { decodeUpdate, encodeUpdateResponse, queryError, type DecodedUpdate, type UpdateMessage } from './message.ts';
import type { ZoneUpdater } from './updater.ts';

/** Which keys exist, and which zones each may change (`dns_update.keys`). */
export interface UpdatePolicy {
  findKey(name: Name): TsigKey | undefined;
  mayUpdate(key: TsigKey, zone: Name): boolean;
}

export interface UpdateHandlerDeps {
  readonly updater: ZoneUpdater;
  /** The zones of the client's view: split horizon applies to updates too. */
  readonly zonesFor: (client: Client) => ZoneSet;
  readonly policy: () => UpdatePolicy;
  /** Seconds since the epoch; tests move it to check BADTIME. */
  readonly now: () => number;
  readonly log: Logger;
}

export class UpdateHandler implements SignedResponder {
  private readonly deps: UpdateHandlerDeps;
  private readonly replays = new ReplayCache();
  /** Anyone can send unsigned or badly signed messages, from forged sources by the thousand. */
  private readonly refusals: ThrottledLog;

  constructor(deps: UpdateHandlerDeps) {
    this.deps = deps;
    this.refusals = new ThrottledLog(deps.log, () => deps.now() * 1000);
  }

  async signedQuery(bytes: Uint8Array, client: Client, answer: AnswerUnsigned): Promise<Uint8Array | undefined> {
    const { now } = this.deps;
    const verdict = verifyRequest(bytes, (name) => this.deps.policy().findKey(name), now());
    switch (verdict.kind) {
      case 'malformed':
        return queryError(bytes, Rcode.FORMERR);
      case 'rejected':
        this.refusals.warn('signed query', { client: client.address, key: verdict.keyName, error: verdict.error }, 'signed query refused: TSIG check failed');
        return signRejection(queryError(verdict.message, Rcode.NOTAUTH), verdict, now());
      case 'unsigned':
        return answer(verdict.message, 0);
      case 'valid': {
        // RFC 8945 §5.3: the signed answer must fit, so room is kept for its TSIG.
        const reply = await answer(verdict.message, tsigSize(verdict.key));
        return reply && signMessage(reply, verdict.key, { now: now(), requestMac: verdict.mac }).message;
      }
    }
  }

  update(bytes: Uint8Array, client: Client): Uint8Array {
    const { log, now } = this.deps;
    const policy = this.deps.policy();
    const id = (bytes[0]! << 8) | bytes[1]!;
    const verdict = verifyRequest(bytes, (name) => policy.findKey(name), now());
    switch (verdict.kind) {
      case 'malformed':
        log.debug({ client: client.address, reason: verdict.reason }, 'update with a malformed TSIG');
        return encodeUpdateResponse(id, Rcode.FORMERR);
      case 'rejected':
        // RFC 8945 §5.2: NOTAUTH, with the TSIG error in the response's TSIG.
        this.refusals.warn('update signature', { client: client.address, key: verdict.keyName, error: verdict.error }, 'update refused: TSIG check failed');
        return signRejection(encodeUpdateResponse(id, Rcode.NOTAUTH, zoneOf(decodeUpdate(verdict.message))), verdict, now());
      case 'unsigned': {
        const decoded = decodeUpdate(verdict.message);
        if (decoded.kind === 'formerr') return encodeUpdateResponse(id, Rcode.FORMERR, decoded.zone);
        this.refusals.warn('unsigned update', { client: client.address, zone: decoded.message.zone }, 'update refused: not signed with a key');
        return encodeUpdateResponse(id, Rcode.REFUSED, decoded.message.zone);
      }
      case 'valid': {
        const seen = this.replays.answerTo(verdict.key.name, verdict.mac, now());
        if (seen) {
          log.info({ client: client.address, key: verdict.key.name }, 'update seen before (a retry or a replay): answered again, not applied again');
          return seen;
        }
        const decoded = decodeUpdate(verdict.message);
        const rcode = decoded.kind === 'update' ? this.apply(decoded.message, verdict.key, client) : Rcode.FORMERR;
        const answer = signMessage(encodeUpdateResponse(id, rcode, zoneOf(decoded)), verdict.key, { now: now(), requestMac: verdict.mac }).message;
        this.replays.remember(verdict.key.name, verdict.mac, verdict.validUntil, answer, now());
        return answer;
      }
    }
  }

  private apply(message: UpdateMessage, key: TsigKey, client: Client): number {
    const { log, updater } = this.deps;
    const { zone: origin, prerequisites, updates } = message;
    const zones = this.deps.zonesFor(client);
    const zone = zones.get(origin);
    // RFC 2136 §3.1.2: a zone this server is not authoritative for.
    if (!zone) return Rcode.NOTAUTH;
    if (!this.deps.policy().mayUpdate(key, origin)) {
      log.warn({ client: client.address, key: key.name, zone: origin }, 'update refused: the key may not change this zone');
      return Rcode.REFUSED;
    }
    const result = updater.apply(zones, zone, { prerequisites, updates });
    log.info(
      {
        client: client.address,
        key: key.name,
        zone: origin,
        rcode: result.rcode,
        ...('reason' in result ? { reason: result.reason } : { changed: result.changed }),
      },
      'update',
    );
    return result.rcode;
  }
}

function zoneOf(decoded: DecodedUpdate): Name | undefined {
  return decoded.kind === 'update' ? decoded.message.zone : decoded.zone;
}
