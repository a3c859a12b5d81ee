// The advert: what each node of the pair sends its peers every
// `advert_interval_ms` (VRRP's ADVERTISEMENT, RFC 5798 §5.2, over unicast UDP
// and authenticated, which VRRPv3 dropped). Fixed layout, network byte order:
//
//   0  magic "HRTH" (4)      4  version (1)        5  state (1: 1 backup, 2 master)
//   6  priority (1)          7  flags (1)          8  interval ms (2)
//  10  epoch (8)            18  counter (8)        26  sent at, ms since the epoch (8)
//  34  node id length (1)   35  node id (UTF-8, 1-64 bytes)
//   …  HMAC-SHA256 of everything before it (32)
//
// Priority 0 keeps RFC 5798's meaning (§6.4.3): the sender gives up
// mastership now, so the best backup takes over without waiting.
import { createHmac, timingSafeEqual } from 'node:crypto';

const MAGIC = 0x48525448; // "HRTH"
const VERSION = 1;
const HEADER = 35;
const MAC_BYTES = 32;
export const MAX_NODE_ID_BYTES = 64;

/** The sender's flags. */
const IMPAIRED = 1;
const WANTS_MASTER = 2;
const KNOWN_FLAGS = IMPAIRED | WANTS_MASTER;

export type AdvertState = 'backup' | 'master';

export interface Advert {
  readonly nodeId: string;
  readonly state: AdvertState;
  /** The configured priority (1-254), or 0: "I am leaving mastership". */
  readonly priority: number;
  /** A health check fails or the node is demoted: it should not be master while a healthy peer lives. */
  readonly impaired: boolean;
  /** A backup that outranks the master and has waited its preempt delay asks for the VIP. */
  readonly wantsMaster: boolean;
  readonly intervalMs: number;
  /** Random per boot: counters start again at 1 in a new epoch. */
  readonly epoch: bigint;
  /** Goes up with every advert within an epoch (anti-replay). */
  readonly counter: bigint;
  readonly sentAt: number;
}

export function encodeAdvert(advert: Advert, secret: Buffer): Buffer {
  const id = Buffer.from(advert.nodeId, 'utf8');
  if (id.length === 0 || id.length > MAX_NODE_ID_BYTES) throw new RangeError(`node id must be 1-${MAX_NODE_ID_BYTES} bytes`);
  const out = Buffer.alloc(HEADER + id.length + MAC_BYTES);
  out.writeUInt32BE(MAGIC, 0);
  out[4] = VERSION;
  out[5] = advert.state === 'master' ? 2 : 1;
  out[6] = advert.priority;
  out[7] = (advert.impaired ? IMPAIRED : 0) | (advert.wantsMaster ? WANTS_MASTER : 0);
  out.writeUInt16BE(advert.intervalMs, 8);
  out.writeBigUInt64BE(advert.epoch, 10);
  out.writeBigUInt64BE(advert.counter, 18);
  out.writeBigUInt64BE(BigInt(Math.max(0, Math.trunc(advert.sentAt))), 26);
  out[34] = id.length;
  id.copy(out, HEADER);
  macOf(out.subarray(0, HEADER + id.length), secret).copy(out, HEADER + id.length);
  return out;
}

export type Decoded = { readonly kind: 'advert'; readonly advert: Advert } | { readonly kind: 'rejected'; readonly reason: 'malformed' | 'bad_mac' };

/** Checks the MAC before reading a field: a datagram without the secret
 *  tells nothing, and nothing in it is trusted. Never throws. */
export function decodeAdvert(datagram: Uint8Array, secret: Buffer): Decoded {
  const bytes = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  if (bytes.length < HEADER + 1 + MAC_BYTES || bytes.length > HEADER + MAX_NODE_ID_BYTES + MAC_BYTES) return malformed;
  const signed = bytes.subarray(0, bytes.length - MAC_BYTES);
  if (!timingSafeEqual(macOf(signed, secret), bytes.subarray(signed.length))) return { kind: 'rejected', reason: 'bad_mac' };
  const state = bytes[5];
  const flags = bytes[7]!;
  const priority = bytes[6]!;
  const intervalMs = bytes.readUInt16BE(8);
  if (bytes.readUInt32BE(0) !== MAGIC || bytes[4] !== VERSION || (state !== 1 && state !== 2) || (flags & ~KNOWN_FLAGS) !== 0) return malformed;
  if (priority === 255 || intervalMs === 0 || bytes[34] !== signed.length - HEADER) return malformed;
  const nodeId = new TextDecoder('utf-8', { fatal: false }).decode(signed.subarray(HEADER));
  return {
    kind: 'advert',
    advert: {
      nodeId,
      state: state === 2 ? 'master' : 'backup',
      priority,
      impaired: (flags & IMPAIRED) !== 0,
      wantsMaster: (flags & WANTS_MASTER) !== 0,
      intervalMs,
      epoch: bytes.readBigUInt64BE(10),
      counter: bytes.readBigUInt64BE(18),
      sentAt: Number(bytes.readBigUInt64BE(26)),
    },
  };
}

const malformed: Decoded = { kind: 'rejected', reason: 'malformed' };

function macOf(bytes: Uint8Array, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(bytes).digest();
}
