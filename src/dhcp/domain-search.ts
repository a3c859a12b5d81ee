// Option 119, the domain search list (RFC 3397): names in DNS wire format,
// compressed as RFC 1035 §4.1.4 describes, with pointers counted from the
// start of the option's (concatenated, RFC 3396) value.
import { MAX_LABEL, MAX_NAME_WIRE, labelBytes, labelText, labelsOf } from '../dns/name.ts';

const POINTER = 0xc0;
const MAX_POINTER_TARGET = 0x3fff;
const MAX_HOPS = 127;

/** Canonical names (src/dns/name.ts form) to the option's value; each suffix seen before becomes a pointer. */
export function encodeDomainSearch(names: readonly string[]): Uint8Array {
  const out: number[] = [];
  const suffixes = new Map<string, number>();
  for (const name of names) {
    const labels = labelsOf(name);
    let pointer: number | undefined;
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.');
      pointer = suffixes.get(suffix);
      if (pointer !== undefined) break;
      if (out.length <= MAX_POINTER_TARGET) suffixes.set(suffix, out.length);
      const bytes = labelBytes(labels[i]!);
      out.push(bytes.length, ...bytes);
    }
    if (pointer === undefined) out.push(0);
    else out.push(POINTER | (pointer >> 8), pointer & 0xff);
  }
  return Uint8Array.from(out);
}

/**
 * The names in an option 119 value; undefined when it is malformed. Pointers
 * must point backwards (RFC 1035 §4.1.4: at a prior occurrence) and a name
 * may follow at most 127 of them, so hostile input can't loop or blow up.
 */
export function decodeDomainSearch(value: Uint8Array): string[] | undefined {
  const names: string[] = [];
  let at = 0;
  while (at < value.length) {
    const read = readName(value, at);
    if (read === undefined) return undefined;
    names.push(read.name);
    at = read.end;
  }
  return names;
}

function readName(value: Uint8Array, start: number): { name: string; end: number } | undefined {
  const labels: string[] = [];
  let wireLength = 1;
  let at = start;
  let end: number | undefined;
  let hops = 0;
  for (;;) {
    const length = value[at];
    if (length === undefined) return undefined;
    if (length === 0) return { name: labels.join('.'), end: end ?? at + 1 };
    if ((length & POINTER) === POINTER) {
      const next = value[at + 1];
      if (next === undefined) return undefined;
      const target = ((length & 0x3f) << 8) | next;
      if (target >= at || ++hops > MAX_HOPS) return undefined;
      end ??= at + 2;
      at = target;
      continue;
    }
    if (length > MAX_LABEL || at + 1 + length > value.length) return undefined;
    wireLength += 1 + length;
    if (wireLength > MAX_NAME_WIRE) return undefined;
    labels.push(labelText(value, at + 1, at + 1 + length));
    at += 1 + length;
  }
}
