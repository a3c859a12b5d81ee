// Sorts the matcher's entries in place. A permutation or a copy would be
// simpler, but either needs a second set of arrays while the first is alive,
// and the point of the matcher is that a reload never doubles memory.

/**
 * Entry i is `hi[i]` (the hash's high half, alone in a dense array so that a
 * binary search reads as few cache lines as possible) and the three words
 * `data[3i]` (the low half), `data[3i + 1]` (flags << 16 | list) and
 * `data[3i + 2]` (line): everything a match needs is in one cache line.
 */
export interface Entries {
  hi: Uint32Array;
  data: Uint32Array;
}

const SMALL = 16;

/**
 * Sorts entries [0, n) by (hi, lo, flags, list, line): equal hashes end up
 * together, and among equal rules the earliest list and line comes first.
 * Quicksort with a median-of-three pivot and Hoare partitioning (runs of
 * equal keys, as in a list full of duplicates, still split in the middle);
 * it recurses into the smaller half only, so the stack stays O(log n).
 */
export function sortEntries({ hi, data }: Entries, n: number): void {
  /** Compares entry i with the key (h, l, m, t): negative when smaller. */
  const compare = (i: number, h: number, l: number, m: number, t: number): number =>
    hi[i]! - h || data[3 * i]! - l || data[3 * i + 1]! - m || data[3 * i + 2]! - t;
  const less = (i: number, j: number): boolean => compare(i, hi[j]!, data[3 * j]!, data[3 * j + 1]!, data[3 * j + 2]!) < 0;
  const swap = (i: number, j: number): void => {
    let t = hi[i]!;
    hi[i] = hi[j]!;
    hi[j] = t;
    for (let k = 0; k < 3; k++) {
      t = data[3 * i + k]!;
      data[3 * i + k] = data[3 * j + k]!;
      data[3 * j + k] = t;
    }
  };

  const sortRange = (left: number, right: number): void => {
    while (right - left > SMALL) {
      const mid = (left + right) >>> 1;
      if (less(mid, left)) swap(mid, left);
      if (less(right, left)) swap(right, left);
      if (less(right, mid)) swap(right, mid);
      const ph = hi[mid]!,
        pl = data[3 * mid]!,
        pm = data[3 * mid + 1]!,
        pt = data[3 * mid + 2]!;
      let i = left - 1;
      let j = right + 1;
      for (;;) {
        do i++;
        while (compare(i, ph, pl, pm, pt) < 0);
        do j--;
        while (compare(j, ph, pl, pm, pt) > 0);
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
