// The option instances found while scanning a packet, kept as offsets in
// typed arrays reused from packet to packet, then joined into one value per
// code (RFC 3396 §7). A hostile packet of 30,000 empty options costs a loop
// over numbers, not 30,000 objects. Decoding is synchronous, so one set of
// arrays serves every packet.
import { lengthProblem } from './options.ts';

/** The most bytes decodePacket reads: a UDP payload can't be longer. */
export const MAX_DATAGRAM_PAYLOAD = 65_535;
/** At most one instance per two bytes. */
const MAX_PIECES = MAX_DATAGRAM_PAYLOAD / 2 + 1;

export class OptionPieces {
  #count = 0;
  readonly #code = new Uint8Array(MAX_PIECES);
  readonly #start = new Uint32Array(MAX_PIECES);
  readonly #end = new Uint32Array(MAX_PIECES);
  readonly #length = new Uint32Array(256);
  readonly #instances = new Uint32Array(256);

  reset(): void {
    this.#count = 0;
    this.#length.fill(0);
    this.#instances.fill(0);
  }

  add(code: number, start: number, end: number): void {
    const i = this.#count++;
    this.#code[i] = code;
    this.#start[i] = start;
    this.#end[i] = end;
    this.#length[code]! += end - start;
    this.#instances[code]!++;
  }

  /** The value of `code` when it is one byte long, undefined when absent; -1 when it is longer. */
  byteOf(bytes: Uint8Array, code: number): number | undefined {
    if (this.#instances[code] === 0) return undefined;
    if (this.#length[code] !== 1) return -1;
    for (let i = 0; i < this.#count; i++) {
      if (this.#code[i] === code && this.#end[i]! > this.#start[i]!) return bytes[this.#start[i]!]!;
    }
    return -1;
  }

  /** Why a joined value has the wrong length for its code, if one does. */
  lengthProblem(): string | undefined {
    for (let code = 0; code < 256; code++) {
      if (this.#instances[code] === 0) continue;
      const problem = lengthProblem(code, this.#length[code]!);
      if (problem) return problem;
    }
    return undefined;
  }

  /** One value per code, in order of first appearance; a single instance is a view of `bytes`, several are copied together. */
  values(bytes: Uint8Array): Map<number, Uint8Array> {
    const values = new Map<number, Uint8Array>();
    const filled = new Map<number, number>();
    for (let i = 0; i < this.#count; i++) {
      const code = this.#code[i]!;
      const start = this.#start[i]!;
      const end = this.#end[i]!;
      if (this.#instances[code] === 1) {
        values.set(code, bytes.subarray(start, end));
        continue;
      }
      let joined = values.get(code);
      if (joined === undefined) values.set(code, (joined = new Uint8Array(this.#length[code]!)));
      let at = filled.get(code) ?? 0;
      for (let k = start; k < end; k++) joined[at++] = bytes[k]!;
      filled.set(code, at);
    }
    return values;
  }
}
