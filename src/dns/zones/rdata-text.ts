// RDATA in the presentation form of a zone file (RFC 1035 §5.1): the inverse
// of zonefile.ts's encoder, so what the API shows can be sent back as is.
// Data that does not fit its type (it can be loaded with `\#`) is shown in
// the generic form of RFC 3597 §5, which always reads back to the same bytes.
import { SocketAddress } from 'node:net';
import { nameFromWire, NameError } from '../name.ts';
import { RRType, type Name } from '../record.ts';

/** RDATA shorter or longer than its type's fields. */
class Misfit extends Error {}

/** Reads the fields of one RDATA in order. */
class FieldReader {
  private readonly bytes: Uint8Array;
  private at = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  get done(): boolean {
    return this.at === this.bytes.length;
  }

  take(length: number): Uint8Array {
    if (this.at + length > this.bytes.length) throw new Misfit();
    return this.bytes.subarray(this.at, (this.at += length));
  }

  rest(): Uint8Array {
    return this.take(this.bytes.length - this.at);
  }

  uint(size: 1 | 2 | 4): number {
    return this.take(size).reduce((value, byte) => value * 256 + byte, 0);
  }

  /** An absolute name, as zonefile.ts reads it whatever the origin. */
  name(): string {
    const { name, end } = nameFromWire(this.bytes, this.at);
    this.at = end;
    return nameText(name);
  }

  /** A <character-string> (RFC 1035 §3.3): a length byte, then the bytes. */
  string(): Uint8Array {
    return this.take(this.uint(1));
  }
}

/** A name as a zone file writes it absolute: with its trailing dot, the root as ".". */
export function nameText(name: Name): string {
  return name === '' ? '.' : `${name}.`;
}

/** Bytes between quotes: `"` and `\` escaped, anything unprintable as `\DDD`. */
function quoted(bytes: Uint8Array): string {
  let out = '"';
  for (const byte of bytes) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}

const TEXT = new TextDecoder();

/** The fields of each type zonefile.ts has a presentation format for. */
const FORMATS = new Map<number, (fields: FieldReader) => string>([
  [RRType.A, (f) => f.take(4).join('.')],
  // RFC 5952 §4: the canonical, shortest IPv6 text.
  [RRType.AAAA, (f) => new SocketAddress({ address: ipv6Groups(f.take(16)), family: 'ipv6' }).address],
  [RRType.NS, (f) => f.name()],
  [RRType.CNAME, (f) => f.name()],
  [RRType.PTR, (f) => f.name()],
  [RRType.MX, (f) => `${f.uint(2)} ${f.name()}`],
  [RRType.TXT, (f) => {
    const strings = [quoted(f.string())];
    while (!f.done) strings.push(quoted(f.string()));
    return strings.join(' ');
  }],
  [RRType.SRV, (f) => `${f.uint(2)} ${f.uint(2)} ${f.uint(2)} ${f.name()}`],
  [RRType.SOA, (f) => [f.name(), f.name(), f.uint(4), f.uint(4), f.uint(4), f.uint(4), f.uint(4)].join(' ')],
  // RFC 8659 §4.1.1: the tag is letters and digits; anything else reads back differently.
  [RRType.CAA, (f) => {
    const flags = f.uint(1);
    const tag = TEXT.decode(f.string());
    if (!/^[a-z0-9]+$/i.test(tag)) throw new Misfit();
    return `${flags} ${tag} ${quoted(f.rest())}`;
  }],
]);

function ipv6Groups(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}

/** RFC 3597 §5: `\# <length> <hex>`. */
function generic(rdata: Uint8Array): string {
  return rdata.length === 0 ? '\\# 0' : `\\# ${rdata.length} ${Buffer.from(rdata).toString('hex')}`;
}

/** The record data as a zone file writes it, names absolute with their trailing dot. */
export function rdataToText(type: number, rdata: Uint8Array): string {
  const format = FORMATS.get(type);
  if (format) {
    try {
      const fields = new FieldReader(rdata);
      const text = format(fields);
      if (fields.done) return text;
    } catch (error) {
      if (!(error instanceof Misfit || error instanceof NameError)) throw error;
    }
  }
  return generic(rdata);
}
