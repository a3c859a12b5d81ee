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
  /** The `file` and `sname` fields: zeros unless they carry options. */
  readonly file: Uint8Array;
  readonly sname: Uint8Array;
  readonly dropped: readonly number[];
}

const FILE_SIZE = 128;
const SNAME_SIZE = 64;
const MAX_PIECE = 255;
const MAIN = 0;
const FILE = 1;
const SNAME = 2;

/** One instance of an option: bytes [start, end) of its value, in field `area`. */
interface Piece { readonly area: number; readonly start: number; readonly end: number }

/** Lays out `options` (in wire order) for an options field of `mainSize` bytes. */
export function layOutOptions(options: readonly OutgoingOption[], mainSize: number): OptionLayout {
  const plain = place(options, [mainSize - 1, 0, 0]); // END in main
  if (plain.dropped.length === 0) return write(options, plain.pieces, mainSize);
  return write(options, place(options, [mainSize - 3 - 1, FILE_SIZE - 1, SNAME_SIZE - 1]).pieces, mainSize); // 52 too
}

/**
 * Places options most important first (rank, then wire order). A piece takes
 * the first field with room, never a field before its option's previous
 * piece, so concatenating options, file, sname rebuilds the value (RFC 3396
 * §6). A piece is cut to fill a field only for options that need RFC 3396
 * anyway: longer than 255 bytes, or marked `splittable`. An option that
 * can't be placed whole is dropped.
 */
function place(options: readonly OutgoingOption[], room: number[]): { pieces: (Piece[] | undefined)[]; dropped: number[] } {
  const pieces: (Piece[] | undefined)[] = new Array(options.length);
  const dropped: number[] = [];
  const byImportance = options.map((_, i) => i).sort((a, b) => options[a]!.rank - options[b]!.rank || a - b);
  for (const index of byImportance) {
    const option = options[index]!;
    const placed = placeOne(option, room);
    if (placed === undefined) dropped.push(option.code);
    else pieces[index] = placed;
  }
  return { pieces, dropped };
}

/** The pieces of one option, taking their room from `room`; undefined (and `room` untouched) when it doesn't fit. */
function placeOne(option: OutgoingOption, room: number[]): Piece[] | undefined {
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

function write(options: readonly OutgoingOption[], pieces: readonly (readonly Piece[] | undefined)[], mainSize: number): OptionLayout {
  const dropped = options.filter((_, i) => pieces[i] === undefined).map((option) => option.code);
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
  const file = new Uint8Array(FILE_SIZE);
  if (overload & 1) file[writeArea(file, 0, options, pieces, FILE)] = Option.END;
  const sname = new Uint8Array(SNAME_SIZE);
  if (overload & 2) sname[writeArea(sname, 0, options, pieces, SNAME)] = Option.END;
  return { main: main.subarray(0, end + 1), file, sname, dropped };
}

/** Writes the pieces placed in `area`, in wire order, from `at`; returns where they end. */
function writeArea(out: Uint8Array, at: number, options: readonly OutgoingOption[], pieces: readonly (readonly Piece[] | undefined)[], area: number): number {
  options.forEach((option, index) => {
    for (const piece of pieces[index] ?? []) {
      if (piece.area !== area) continue;
      out[at] = option.code;
      out[at + 1] = piece.end - piece.start;
      out.set(option.value.subarray(piece.start, piece.end), at + 2);
      at += 2 + piece.end - piece.start;
    }
  });
  return at;
}
