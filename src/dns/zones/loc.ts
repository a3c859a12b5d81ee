// LOC records (RFC 1876): a position in degrees, minutes and seconds, an
// altitude and three sizes in metres, in the text of its Appendix A.
import { concat, Misfit, uintBytes, type Field } from './rdata-fields.ts';
import { fail, show, type Tokens } from './syntax.ts';

const EQUATOR = 2 ** 31;
const ALTITUDE_BASE = 10_000_000; // centimetres: the wire counts from 100,000 m below the WGS 84 ellipsoid
/** Defaults of size, horizontal and vertical precision: 1 m, 10,000 m, 10 m (RFC 1876 Appendix A). */
const DEFAULTS = [100, 1_000_000, 1000];

/** Metres with at most two decimals, an optional "m", as centimetres. */
function centimetres(text: string, word: string, min: number, max: number): number {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?m?$/i.exec(text);
  const cm = match ? (Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'))) * (match[1] ? -1 : 1) : Number.NaN;
  if (!(cm >= min && cm <= max)) fail(`bad ${word} ${show(text)}`);
  return cm;
}

/** RFC 1876 §2: a size as a mantissa and a power of ten, each 4 bits, in centimetres. */
function precision(cm: number): number {
  let exponent = 0;
  while (exponent < 9 && cm >= 10 ** (exponent + 1)) exponent++;
  return (Math.min(9, Math.floor(cm / 10 ** exponent)) << 4) | exponent;
}

/** Degrees [minutes [seconds]] then a hemisphere letter, in thousandths of a second of arc from the equator or meridian. */
function angle(tokens: Tokens, word: string, maxDegrees: number, positive: string, negative: string): number {
  const parts: string[] = [];
  for (;;) {
    const text = tokens.next(word).text.toUpperCase();
    if (text === positive || text === negative) {
      const [d = '', m = '0', s = '0'] = parts;
      const valid = parts.length > 0 && /^\d+$/.test(d) && /^\d+$/.test(m) && /^\d+(\.\d{1,3})?$/.test(s)
        && Number(d) <= maxDegrees && Number(m) < 60 && Number(s) < 60;
      if (!valid) fail(`bad ${word} ${show(parts.join(' '))}`);
      const value = ((Number(d) * 60 + Number(m)) * 60) * 1000 + Math.round(Number(s) * 1000);
      if (value > maxDegrees * 3_600_000) fail(`bad ${word} ${show(parts.join(' '))}`);
      return EQUATOR + (text === positive ? value : -value);
    }
    if (parts.length === 3) fail(`bad ${word}: expected ${positive} or ${negative} after ${show(parts.join(' '))}`);
    parts.push(text);
  }
}

function angleText(value: number, positive: string, negative: string): string {
  const offset = Math.abs(value - EQUATOR);
  const seconds = (offset % 60_000) / 1000;
  return `${Math.floor(offset / 3_600_000)} ${Math.floor(offset / 60_000) % 60} ${seconds.toFixed(3)} ${value >= EQUATOR ? positive : negative}`;
}

function metres(cm: number): string {
  return `${cm % 100 === 0 ? cm / 100 : (cm / 100).toFixed(2)}m`;
}

export const location: Field = {
  read: (tokens) => {
    const latitude = angle(tokens, 'latitude', 90, 'N', 'S');
    const longitude = angle(tokens, 'longitude', 180, 'E', 'W');
    const altitude = centimetres(tokens.next('altitude').text, 'altitude', -ALTITUDE_BASE, 2 ** 32 - 1 - ALTITUDE_BASE);
    const sizes = DEFAULTS.map((fallback, i) => {
      const token = tokens.done ? undefined : tokens.next('size');
      return token ? centimetres(token.text, ['size', 'horizontal precision', 'vertical precision'][i]!, 0, 9e9) : fallback;
    });
    if (!tokens.done) fail(`unexpected ${show(tokens.next('').text)} after the vertical precision`);
    return concat([Uint8Array.of(0, ...sizes.map(precision)), uintBytes(latitude, 4), uintBytes(longitude, 4), uintBytes(altitude + ALTITUDE_BASE, 4)]);
  },
  write: (f) => {
    if (f.uint(1) !== 0) throw new Misfit();
    const sizes = [f.uint(1), f.uint(1), f.uint(1)].map((byte) => {
      if (byte >> 4 > 9 || (byte & 15) > 9) throw new Misfit();
      return (byte >> 4) * 10 ** (byte & 15);
    });
    const latitude = angleText(f.uint(4), 'N', 'S');
    const longitude = angleText(f.uint(4), 'E', 'W');
    const altitude = f.uint(4) - ALTITUDE_BASE;
    return [latitude, longitude, metres(altitude), ...sizes.map(metres)].join(' ');
  },
};
