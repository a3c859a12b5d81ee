// Sorts the matcher's parallel columns in place. A permutation or a copy would
// be simpler, but either needs a second set of arrays while the first is
// alive, and the point of the matcher is that a reload never doubles memory.

/** One entry per index across the five arrays. */
export interface Columns {
  hi: Uint32Array;
  lo: Uint32Array;
  flags: Uint8Array;
  list: Uint16Array;
  line: Uint32Array;
}

const SMALL = 16;

/**
 * Sorts entries [0, n) by (hi, lo, flags, list, line): equal hashes end up
 * together, and among equal rules the earliest list and line comes first.
 * Quicksort with a median-of-three pivot and Hoare partitioning (runs of
 * equal keys, as in a list full of duplicates, still split in the middle);
 * it recurses into the smaller half only, so the stack stays O(log n).
 */
export function sortColumns(columns: Columns, n: number): void {
  const { hi, lo, flags, list, line } = columns;

  /** Compares entry i with the key (h, l, f, s, n): negative when smaller. */
  const compare = (i: number, h: number, l: number, f: number, s: number, t: number): number =>
    hi[i]! - h || lo[i]! - l || flags[i]! - f || list[i]! - s || line[i]! - t;
  const less = (i: number, j: number): boolean => compare(i, hi[j]!, lo[j]!, flags[j]!, list[j]!, line[j]!) < 0;
  const swap = (i: number, j: number): void => {
    let t = hi[i]!; hi[i] = hi[j]!; hi[j] = t;
    t = lo[i]!; lo[i] = lo[j]!; lo[j] = t;
    t = flags[i]!; flags[i] = flags[j]!; flags[j] = t;
    t = list[i]!; list[i] = list[j]!; list[j] = t;
    t = line[i]!; line[i] = line[j]!; line[j] = t;
  };

  const sortRange = (left: number, right: number): void => {
    while (right - left > SMALL) {
      const mid = (left + right) >>> 1;
      if (less(mid, left)) swap(mid, left);
      if (less(right, left)) swap(right, left);
      if (less(right, mid)) swap(right, mid);
      const ph = hi[mid]!, pl = lo[mid]!, pf = flags[mid]!, ps = list[mid]!, pt = line[mid]!;
      let i = left - 1;
      let j = right + 1;
      for (;;) {
        do i++; while (compare(i, ph, pl, pf, ps, pt) < 0);
        do j--; while (compare(j, ph, pl, pf, ps, pt) > 0);
        if (i >= j) break;
        swap(i, j);
      }
      if (j - left < right - j) {
        sortRange(left, j);
        left = j + 1;
      } else {
        sortRange(j + 1, right);
        right = j;
      }
    }
    for (let i = left + 1; i <= right; i++) {
      for (let j = i; j > left && less(j, j - 1); j--) swap(j, j - 1);
    }
  };

  if (n > 1) sortRange(0, n - 1);
}
