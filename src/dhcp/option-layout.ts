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

/** How many instances a value needs: one per 255 bytes, and one for an empty value. */
function pieceCount(length: number): number {
  return Math.max(1, Math.ceil(length / MAX_PIECE));
}

function wireSize(option: OutgoingOption): number {
  return option.value.length + 2 * pieceCount(option.value.length);
}

/** Lays out `options` (in wire order) for an options field of `mainSize` bytes. */
export function layOutOptions(options: readonly OutgoingOption[], mainSize: number): OptionLayout {
  let total = 1; // END
  for (const option of options) total += wireSize(option);
  if (total <= mainSize) {
    const main = new Uint8Array(total);
    const end = writeArea(main, 0, options, options.map((option) => new Array<number>(pieceCount(option.value.length)).fill(MAIN)), MAIN);
    main[end] = Option.END;
    return { main, file: new Uint8Array(FILE_SIZE), sname: new Uint8Array(SNAME_SIZE), dropped: [] };
  }
  return overloaded(options, mainSize);
}

/**
 * Places options most important first (rank, then wire order). Each piece
 * takes the first field with room, never a field before its previous piece,
 * so concatenation in options-file-sname order rebuilds the value (RFC 3396 §6).
 * An option that can't be placed whole is dropped.
 */
function overloaded(options: readonly OutgoingOption[], mainSize: number): OptionLayout {
  const room = [mainSize - 3 - 1, FILE_SIZE - 1, SNAME_SIZE - 1]; // 52 and END in main, END in the others
  const areas: (number[] | undefined)[] = new Array(options.length);
  const dropped: number[] = [];
  const byImportance = options.map((_, i) => i).sort((a, b) => options[a]!.rank - options[b]!.rank || a - b);
  for (const index of byImportance) {
    const option = options[index]!;
    const trial = room.slice();
    const placed: number[] = [];
    let area = MAIN;
    for (let offset = 0, piece = 0; piece < pieceCount(option.value.length); piece++, offset += MAX_PIECE) {
      const need = Math.min(MAX_PIECE, option.value.length - offset) + 2;
      while (area <= SNAME && trial[area]! < need) area++;
      if (area > SNAME) break;
      trial[area]! -= need;
      placed.push(area);
    }
    if (placed.length < pieceCount(option.value.length)) { dropped.push(option.code); continue; }
    room.splice(0, 3, ...trial);
    areas[index] = placed;
  }
  const usesFile = areas.some((placed) => placed?.includes(FILE));
  const usesSname = areas.some((placed) => placed?.includes(SNAME));
  const main = new Uint8Array(mainSize - room[MAIN]! - (usesFile || usesSname ? 0 : 3));
  let end = 0;
  if (usesFile || usesSname) {
    main.set([Option.OVERLOAD, 1, (usesFile ? 1 : 0) | (usesSname ? 2 : 0)]);
    end = 3;
  }
  main[writeArea(main, end, options, areas, MAIN)] = Option.END;
  const file = new Uint8Array(FILE_SIZE);
  if (usesFile) file[writeArea(file, 0, options, areas, FILE)] = Option.END;
  const sname = new Uint8Array(SNAME_SIZE);
  if (usesSname) sname[writeArea(sname, 0, options, areas, SNAME)] = Option.END;
  return { main, file, sname, dropped };
}

/** Writes the pieces placed in `area`, in wire order, from `at`; returns where they end. */
function writeArea(out: Uint8Array, at: number, options: readonly OutgoingOption[], areas: readonly (readonly number[] | undefined)[], area: number): number {
  options.forEach((option, index) => {
    areas[index]?.forEach((pieceArea, piece) => {
      if (pieceArea !== area) return;
      const value = option.value.subarray(piece * MAX_PIECE, (piece + 1) * MAX_PIECE);
      out[at] = option.code;
      out[at + 1] = value.length;
      out.set(value, at + 2);
      at += 2 + value.length;
    });
  });
  return at;
}
