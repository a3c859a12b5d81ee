// RDATA in the presentation form of a zone file (RFC 1035 §5.1), read into
// wire bytes and written back from them with the fields of rdata-formats.ts,
// so what the API shows can be sent back as is. Data that does not fit its
// type (it can be loaded with `\#`) is shown in the generic form of RFC 3597
// §5, which always reads back to the same bytes.
import { NameError } from '../name.ts';
import type { Name } from '../record.ts';
import { FORMATS } from './rdata-formats.ts';
import { concat, FieldReader, Misfit } from './rdata-fields.ts';
import { typeName } from './rr-types.ts';
import { fail, show, Tokens, ZoneSyntaxError, type Token } from './syntax.ts';
import { tokenize } from './tokenize.ts';

export { nameText } from './rdata-fields.ts';

const MAX_RDATA = 65_535;

/** The wire RDATA of a record of `type` written as `tokens`; throws ZoneSyntaxError or NameError. */
export function rdataFromText(type: number, tokens: readonly Token[], origin: Name): Uint8Array {
  const [first, second] = tokens;
  // RFC 3597 §5; a "\#" not followed by a length is text, as BIND reads `TXT \# text`.
  const generic = first?.text === '\\#' && !first.quoted && (/^\d+$/.test(second?.text ?? '') || !FORMATS.has(type));
  const rdata = generic ? genericRdata(tokens.slice(1)) : typedRdata(type, tokens, origin);
  if (rdata.length > MAX_RDATA) fail(`record data is ${rdata.length} bytes, more than ${MAX_RDATA}`);
  return rdata;
}

function typedRdata(type: number, list: readonly Token[], origin: Name): Uint8Array {
  const fields = FORMATS.get(type) ?? fail(`${typeName(type)} has no presentation format here; use \\# generic syntax`);
  const tokens = new Tokens(list);
  const parts = fields.map((field) => field.read(tokens, origin));
  if (!tokens.done) fail(`unexpected ${show(tokens.next('').text)} after the ${typeName(type)} data`);
  return concat(parts);
}

/** RFC 3597 §5: `\# <length> <hex>`, the hex optionally split by blanks. */
function genericRdata([length, ...hexParts]: readonly Token[]): Uint8Array {
  if (length === undefined || !/^\d+$/.test(length.text)) fail(`\\# needs a decimal length, got ${show(length?.text ?? '')}`);
  const hex = hexParts.map((part) => part.text).join('');
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) fail(`bad hex after \\#: ${show(hex)}`);
  const bytes = Uint8Array.from(Buffer.from(hex, 'hex'));
  if (bytes.length !== Number(length.text)) fail(`\\# length ${length.text} does not match the ${bytes.length} byte(s) of hex given`);
  return bytes;
}

/** RFC 3597 §5: `\# <length> <hex>`. */
function generic(rdata: Uint8Array): string {
  return rdata.length === 0 ? '\\# 0' : `\\# ${rdata.length} ${Buffer.from(rdata).toString('hex')}`;
}

/** The record data as a zone file writes it, names absolute with their trailing dot. The text is
 *  read back before it is given out, so whatever it is, it loads to the same bytes (names aside,
 *  which zone files lowercase): data that breaks its type's rules gets the generic form instead. */
export function rdataToText(type: number, rdata: Uint8Array): string {
  const fields = FORMATS.get(type);
  if (fields) {
    try {
      const reader = new FieldReader(rdata);
      const text = fields.map((field) => field.write(reader)).filter((part) => part !== '').join(' ');
      if (reader.done && sameIgnoringCase(rdataFromText(type, tokenize(text)[0]?.tokens ?? [], ''), rdata)) return text;
    } catch (error) {
      if (!(error instanceof Misfit || error instanceof NameError || error instanceof ZoneSyntaxError)) throw error;
    }
  }
  return generic(rdata);
}

function sameIgnoringCase(a: Uint8Array, b: Uint8Array): boolean {
  const fold = (byte: number): number => (byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte);
  return a.length === b.length && a.every((byte, i) => fold(byte) === fold(b[i]!));
}
