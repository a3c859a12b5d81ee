// Domain names in the canonical form of record.ts: lowercase presentation
// text without the trailing dot. One form everywhere means zone lookups,
// cloaking rules and views compare plain strings.
import type { Name } from './record.ts';

export const MAX_LABEL = 63;
export const MAX_NAME_WIRE = 255; // RFC 1035 §2.3.4, counting length octets and the root

/** Bytes that print as themselves inside a label; everything else is `\DDD`. */
const PLAIN = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const ch = String.fromCharCode(c);
  PLAIN[c] = /[a-z0-9_*-]/.test(ch) ? 1 : 0;
}

/** One wire label (its bytes) to canonical text, lowercasing ASCII letters. */
export function labelText(bytes: Uint8Array, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) {
    let c = bytes[i]!;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (PLAIN[c]) out += String.fromCharCode(c);
    else if (c === 0x2e || c === 0x5c) out += '\\' + String.fromCharCode(c);
    else out += '\\' + String(c).padStart(3, '0');
  }
  return out;
}

export class NameError extends Error {}

/**
 * Parses a name written in a zone file, rule file or config: absolute when it
 * ends with ".", else relative to `origin`; "@" is the origin (RFC 1035 §5.1).
 * Escapes `\X` and `\DDD` are honoured. Throws NameError on a malformed name.
 */
export function parseName(text: string, origin: Name = ''): Name {
  if (text === '@') return origin;
  if (text === '.') return '';
  if (text === '') throw new NameError('empty name');
  const labels: string[] = [];
  let label: number[] = [];
  let absolute = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '.') {
      if (label.length === 0) throw new NameError(`empty label in "${text}"`);
      labels.push(encodeLabel(label, text));
      label = [];
      if (i === text.length - 1) absolute = true;
    } else if (ch === '\\') {
      const digits = text.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(digits)) {
        const value = Number(digits);
        if (value > 255) throw new NameError(`bad escape \\${digits} in "${text}"`);
        label.push(value);
        i += 3;
      } else if (i + 1 < text.length) {
        label.push(text.charCodeAt(++i));
      } else throw new NameError(`dangling backslash in "${text}"`);
    } else {
      const code = text.charCodeAt(i);
      if (code > 0x7e || code <= 0x20) throw new NameError(`bad character in "${text}" (use punycode or \\DDD)`);
      label.push(code);
    }
  }
  if (label.length > 0) labels.push(encodeLabel(label, text));
  const name = labels.join('.');
  const full = absolute || origin === '' ? name : `${name}.${origin}`;
  if (wireLength(full) > MAX_NAME_WIRE) throw new NameError(`name "${text}" is longer than 255 octets`);
  return full;
}

function encodeLabel(bytes: number[], text: string): string {
  if (bytes.length > MAX_LABEL) throw new NameError(`label longer than 63 octets in "${text}"`);
  return labelText(Uint8Array.from(bytes), 0, bytes.length);
}

/** The labels of a canonical name, splitting on unescaped dots. */
export function labelsOf(name: Name): string[] {
  if (name === '') return [];
  if (!name.includes('\\')) return name.split('.');
  return name.match(/(?:\\.|[^.\\])+/g) ?? [];
}

/** The name one label up, or undefined for the root. */
export function parentOf(name: Name): Name | undefined {
  if (name === '') return undefined;
  // The common case, no escapes, without splitting: this runs per query.
  if (!name.includes('\\')) {
    const dot = name.indexOf('.');
    return dot < 0 ? '' : name.slice(dot + 1);
  }
  return labelsOf(name).slice(1).join('.');
}

/** True when `name` equals `zone` or lies below it. */
export function isAtOrBelow(name: Name, zone: Name): boolean {
  if (zone === '') return true;
  return name === zone || (name.endsWith(zone) && name[name.length - zone.length - 1] === '.' && !isEscapedDot(name, name.length - zone.length - 1));
}

function isEscapedDot(name: Name, dot: number): boolean {
  let slashes = 0;
  for (let i = dot - 1; i >= 0 && name[i] === '\\'; i--) slashes++;
  return slashes % 2 === 1;
}

/** Wire form of a canonical name, uncompressed, ending with the root label. */
export function nameToWire(name: Name): Uint8Array {
  const out: number[] = [];
  for (const label of labelsOf(name)) {
    const bytes = labelBytes(label);
    out.push(bytes.length, ...bytes);
  }
  out.push(0);
  return Uint8Array.from(out);
}

/** The raw bytes of one canonical label, escapes resolved. */
export function labelBytes(label: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < label.length; i++) {
    if (label[i] === '\\') {
      const digits = label.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(digits)) {
        bytes.push(Number(digits));
        i += 3;
      } else bytes.push(label.charCodeAt(++i));
    } else bytes.push(label.charCodeAt(i));
  }
  return bytes;
}

function wireLength(name: Name): number {
  let length = 1;
  for (const label of labelsOf(name)) length += 1 + labelBytes(label).length;
  return length;
}

/** Reads an uncompressed name from RDATA (as record.ts stores it). */
export function nameFromWire(bytes: Uint8Array, offset = 0): { name: Name; end: number } {
  const labels: string[] = [];
  let at = offset;
  for (;;) {
    const length = bytes[at];
    if (length === undefined || length > MAX_LABEL || at + 1 + length > bytes.length) {
      throw new NameError('malformed name in record data');
    }
    if (length === 0) return { name: labels.join('.'), end: at + 1 };
    labels.push(labelText(bytes, at + 1, at + 1 + length));
    at += 1 + length;
  }
}
