// Where each outgoing option goes: the options field when everything fits,
// else overflowing into `file` then `sname` (option overload, RFC 2131 §4.1,
// RFC 2132 §9.3). Values longer than 255 bytes are split into consecutive
// instances (RFC 3396 §5). When even the three fields are too small, the
// least important options are dropped.
import { Option } from './options.ts';

export interface OutgoingOption {
  readonly code: number;
  readonly value: Uint8Array;
  /** 0: kept whatever it costs; higher numbers are dropped sooner when the packet is full. */
  readonly rank: number;
  /** Never moved into file or sname (RFC 3046 §2.2 asks this of option 82). */
  readonly mainOnly?: boolean;
  /** May be cut anywhere to fill a field: the client must concatenate it (RFC 3396) anyway. */
  readonly splittable?: boolean;
}

export interface OptionLayout {
  /** The options field after the cookie, END included. */
  readonly main: Uint8Array;
  /** The `file` and `sname` fields when they carry options (overload). */
  readonly file?: Uint8Array;
  readonly sname?: Uint8Array;
  readonly dropped: readonly number[];
}

const FILE_SIZE = 128;
const SNAME_SIZE = 64;
const MAX_PIECE = 255;
const MAIN = 0;
const FILE = 1;
const SNAME = 2;
const NONE: readonly number[] = [];

/** One instance of an option: bytes [start, end) of its value, in field `area`. */
interface Piece {
  readonly area: number;
  readonly start: number;
  readonly end: number;
}

/** Lays out `options` (in wire order) for an options field of `mainSize` bytes. */
export function layOutOptions(options: readonly OutgoingOption[], mainSize: number): OptionLayout {
  let total = 1; // END
  for (const option of options) total += option.value.length + 2 * Math.max(1, Math.ceil(option.value.length / MAX_PIECE));
  if (total > mainSize) return overloaded(options, mainSize);
  // The common case, everything in the options field: no placement to work out.
  const main = new Uint8Array(total);
  let at = 0;
  for (const option of options) {
    let start = 0;
    do {
      const end = Math.min(option.value.length, start + MAX_PIECE);
      at = writePiece(main, at, option, start, end);
      start = end;
    } while (start < option.value.length);
  }
  main[at] = Option.END;
  return { main, dropped: NONE };
}

function overloaded(options: readonly OutgoingOption[], mainSize: number): OptionLayout {
  const room = [mainSize - 3 - 1, FILE_SIZE - 1, SNAME_SIZE - 1]; // 52 and END in main, END in the others
  const pieces: (Piece[] | undefined)[] = new Array(options.length);
  const dropped: number[] = [];
  // Most important first: rank, then wire order.
  const byImportance = options.map((_, i) => i).sort((a, b) => options[a]!.rank - options[b]!.rank || a - b);
  for (const index of byImportance) {
    const placed = place(options[index]!, room);
    if (placed === undefined) dropped.push(options[index]!.code);
    else pieces[index] = placed;
  }
  const used = (area: number) => pieces.some((list) => list?.some((piece) => piece.area === area));
  const overload = (used(FILE) ? 1 : 0) | (used(SNAME) ? 2 : 0);
  const main = new Uint8Array(mainSize);
  let end = 0;
  if (overload !== 0) {
    main.set([Option.OVERLOAD, 1, overload]);
    end = 3;
  }
  end = writeArea(main, end, options, pieces, MAIN);
  main[end] = Option.END;
  return {
    main: main.subarray(0, end + 1),
    file: overload & 1 ? endedArea(FILE_SIZE, options, pieces, FILE) : undefined,
    sname: overload & 2 ? endedArea(SNAME_SIZE, options, pieces, SNAME) : undefined,
    dropped,
  };
}

/**
 * The pieces of one option, taking their room from `room`; undefined (and
 * `room` untouched) when it doesn't fit. A piece takes the first field with
 * room, never one before its option's previous piece, so concatenating
 * options, file, sname rebuilds the value (RFC 3396 §6). A piece is cut to
 * fill a field only for options that need RFC 3396 anyway: longer than 255
 * bytes, or marked `splittable`.
 */
function place(option: OutgoingOption, room: number[]): Piece[] | undefined {
  const length = option.value.length;
  const cuttable = length > MAX_PIECE || option.splittable === true;
  const lastArea = option.mainOnly ? MAIN : SNAME;
  const trial = room.slice();
  const pieces: Piece[] = [];
  let area = MAIN;
  let start = 0;
  do {
    const whole = Math.min(MAX_PIECE, length - start);
    while (area <= lastArea && trial[area]! - 2 < whole && !(cuttable && trial[area]! - 2 >= 1)) area++;
    if (area > lastArea) return undefined;
    const size = Math.min(whole, trial[area]! - 2);
    pieces.push({ area, start, end: start + size });
    trial[area]! -= size + 2;
    start += size;
  } while (start < length);
  room.splice(0, room.length, ...trial);
  return pieces;
}

function endedArea(size: number, options: readonly OutgoingOption[], pieces: readonly (readonly Piece[] | undefined)[], area: number): Uint8Array {
  const out = new Uint8Array(size);
  out[writeArea(out, 0, options, pieces, area)] = Option.END;
  return out;
}

/** Writes the pieces placed in `area`, in wire order, from `at`; returns where they end. */
function writeArea(out: Uint8Array, at: number, options: readonly OutgoingOption[], pieces: readonly (readonly Piece[] | undefined)[], area: number): number {
  for (let index = 0; index < options.length; index++) {
    for (const piece of pieces[index] ?? NO_PIECES) {
      if (piece.area === area) at = writePiece(out, at, options[index]!, piece.start, piece.end);
    }
  }
  return at;
}

const NO_PIECES: readonly Piece[] = [];

/** One instance: code, length, bytes [start, end) of the value. */
function writePiece(out: Uint8Array, at: number, option: OutgoingOption, start: number, end: number): number {
  out[at] = option.code;
  out[at + 1] = end - start;
  for (let i = start; i < end; i++) out[at + 2 + i - start] = option.value[i]!;
  return at + 2 + end - start;
}
