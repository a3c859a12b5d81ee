// Addresses to listen on as users write them: `127.0.0.1:5353`, `[::1]:53`, `0.0.0.0`.
import { isIP } from 'node:net';
import { z } from 'zod';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** `127.0.0.1:5353`, `[::1]:53`, `0.0.0.0` (port defaults to `defaultPort`). */
export function parseListenAddress(text: string, defaultPort: number): ListenAddress | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(text);
  const bare = isIP(text) === 6 ? [text, text, undefined] : undefined;
  const match = bracketed ?? plain ?? bare;
  if (!match || isIP(match[1]!) === 0) return undefined;
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  return port >= 0 && port <= 65535 ? { host: match[1]!, port } : undefined;
}

export const listenAddress = (defaultPort: number) =>
  z.string().refine((value) => parseListenAddress(value, defaultPort) !== undefined, {
    error: (issue) => `"${String(issue.input)}" is not an address to listen on (examples: 127.0.0.1:5353, [::1]:53)`,
  });
