// The pair secret: one random key both nodes share (`ha.secret_file`). It
// authenticates the adverts (HMAC-SHA256) and the sync channel.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Shorter secrets are refused: 16 bytes is HMAC-SHA256's floor worth having
 *  (RFC 2104 §3: keys shorter than the hash output weaken it). */
export const MIN_SECRET_BYTES = 16;

/** A fresh secret as `hearth ha keygen` prints it: 32 random bytes, base64. */
export function generatePairSecret(): string {
  return randomBytes(32).toString('base64');
}

/** Reads the secret file: base64 text (keygen's output) or, when it is not
 *  base64, the file's bytes as they are, trimmed of surrounding whitespace. */
export function readPairSecret(file: string): Buffer {
  const text = readFileSync(file, 'utf8').trim();
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0 ? Buffer.from(text, 'base64') : Buffer.from(text);
  if (key.length < MIN_SECRET_BYTES) {
    throw new Error(`${file}: the pair secret is ${key.length} bytes; at least ${MIN_SECRET_BYTES} are needed (make one with "hearth ha keygen")`);
  }
  return key;
}
