// The HMAC algorithms hearth signs and verifies with (RFC 8945 §6): their
// names on the wire, their hashes, and the MAC sizes §5.2.2.1 allows.
import { createHmac } from 'node:crypto';
import type { Name } from '../record.ts';
import type { TsigAlgorithm, TsigKey } from './key.ts';

interface AlgorithmSpec {
  /** The algorithm name carried in the TSIG RR. */
  readonly name: Name;
  readonly hash: string;
  /** Bytes of the full keyed hash. */
  readonly size: number;
}

const ALGORITHMS: Readonly<Record<TsigAlgorithm, AlgorithmSpec>> = {
  'hmac-sha256': { name: 'hmac-sha256', hash: 'sha256', size: 32 },
  'hmac-sha512': { name: 'hmac-sha512', hash: 'sha512', size: 64 },
  'hmac-sha1': { name: 'hmac-sha1', hash: 'sha1', size: 20 },
  // RFC 8945 §6: MD5 keeps the name RFC 2845 gave it.
  'hmac-md5': { name: 'hmac-md5.sig-alg.reg.int', hash: 'md5', size: 16 },
};

export const TSIG_ALGORITHMS = Object.keys(ALGORITHMS) as readonly TsigAlgorithm[];

export function algorithmName(algorithm: TsigAlgorithm): Name {
  return ALGORITHMS[algorithm].name;
}

/** The algorithm an RR's algorithm name stands for, if hearth knows it. */
export function algorithmNamed(name: Name): TsigAlgorithm | undefined {
  return TSIG_ALGORITHMS.find((algorithm) => ALGORITHMS[algorithm].name === name);
}

export function fullMacSize(algorithm: TsigAlgorithm): number {
  return ALGORITHMS[algorithm].size;
}

/** RFC 8945 §5.2.2.1: a MAC may be truncated, but never below 10 octets
 *  nor below half the hash. */
export function shortestMacSize(algorithm: TsigAlgorithm): number {
  return Math.max(10, Math.ceil(ALGORITHMS[algorithm].size / 2));
}

/** The full keyed hash of `parts`, in order. */
export function hmac(key: TsigKey, parts: readonly Uint8Array[]): Uint8Array {
  const mac = createHmac(ALGORITHMS[key.algorithm].hash, key.secret);
  for (const part of parts) mac.update(part);
  return new Uint8Array(mac.digest());
}
