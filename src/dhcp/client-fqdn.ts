// The Client FQDN option (81, RFC 4702): flags saying who updates the
// client's A record, two deprecated RCODE bytes, and a name in canonical wire
// encoding (E=1) or the deprecated ASCII encoding (E=0).
import { MAX_LABEL, labelBytes, labelText, nameToWire } from '../dns/name.ts';

/** Who updates the client's A record: asked for by a client, decided by a server
 *  (RFC 4702 §2.1: S=1 'server'; N=1 'none', which forbids S; neither 'client'). */
export type FqdnUpdates = 'server' | 'client' | 'none';

export interface ClientFqdn {
  readonly updates: FqdnUpdates;
  /** E: the name is in DNS wire format; the server answers in the same (RFC 4702 §4). */
  readonly encoding: 'wire' | 'ascii';
  /** Canonical text (lowercase, no trailing dot, escapes as src/dns/name.ts writes them); '' when empty. */
  readonly name: string;
  /** False for a partial name: just the host part, for the server to complete (RFC 4702 §2.3). */
  readonly qualified: boolean;
}

const S = 0x01;
const O = 0x02;
const E = 0x04;
const N = 0x08;

/** The option as a client sent it; undefined when the name is malformed. */
export function decodeClientFqdn(value: Uint8Array): ClientFqdn | undefined {
  if (value.length < 3) return undefined;
  const flags = value[0]!;
  // RFC 4702 §2.1: N=1 with S=1 is an error; read it as "no updates", the cautious choice.
  const updates: FqdnUpdates = flags & N ? 'none' : flags & S ? 'server' : 'client';
  // RFC 4702 §2.2: the RCODE bytes are deprecated and ignored on receipt.
  if (flags & E) {
    const name = wireName(value, 3);
    return name && { updates, encoding: 'wire', ...name };
  }
  return asciiName(value.subarray(3), updates);
}

/** RFC 4702 §2.3: labels, ending with a zero label when fully qualified. */
function wireName(value: Uint8Array, start: number): { name: string; qualified: boolean } | undefined {
  const labels: string[] = [];
  let at = start;
  while (at < value.length) {
    const length = value[at]!;
    if (length === 0) return at + 1 === value.length ? { name: labels.join('.'), qualified: true } : undefined;
    if (length > MAX_LABEL || at + 1 + length > value.length) return undefined;
    labels.push(labelText(value, at + 1, at + 1 + length));
    at += 1 + length;
  }
  return { name: labels.join('.'), qualified: false };
}

/** RFC 4702 §2.3.1: presentation text; a trailing dot marks a fully qualified name. */
function asciiName(value: Uint8Array, updates: FqdnUpdates): ClientFqdn | undefined {
  const nul = value.indexOf(0);
  const text = nul < 0 ? value : value.subarray(0, nul);
  const qualified = text.length > 0 && text[text.length - 1] === 0x2e;
  const body = qualified ? text.subarray(0, text.length - 1) : text;
  const labels: string[] = [];
  for (let start = 0, i = 0; body.length > 0 && i <= body.length; i++) {
    if (i < body.length && body[i] !== 0x2e) continue;
    if (i === start || i - start > MAX_LABEL) return undefined;
    labels.push(labelText(body, start, i));
    start = i + 1;
  }
  return { updates, encoding: 'ascii', name: labels.join('.'), qualified };
}

/**
 * The server's option 81 (RFC 4702 §4): `updates` is what the server will do;
 * O is set when that overrides the S the client asked for; RCODEs are 255
 * (RFC 4702 §2.2); the name goes back in the client's encoding, fully qualified.
 */
export function encodeClientFqdn(request: ClientFqdn, updates: FqdnUpdates, name: string): Uint8Array {
  let flags = updates === 'server' ? S : updates === 'none' ? N : 0;
  if ((updates === 'server') !== (request.updates === 'server')) flags |= O;
  if (request.encoding === 'wire') {
    return Uint8Array.of(flags | E, 255, 255, ...nameToWire(name));
  }
  return Uint8Array.of(flags, 255, 255, ...labelBytes(name === '' ? '' : `${name}.`));
}
