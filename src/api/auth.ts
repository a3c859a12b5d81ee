// Bearer-token auth for the admin API. The token lives in `api.token_file`;
// on a loopback-only API hearth creates it on first start and prints it
// once. In memory only its sha256 is kept, compared in constant time.
// Failed attempts are counted per client address and, past a limit, further
// wrong tokens from that address get 429 until the window ends; the right
// token is always let through, so one broken script on the same host (or
// behind the same NAT) cannot lock out the admin and Prometheus. What keeps
// a token from being guessed is its length: hearth's own are 256 bits, and a
// short one written by hand is warned about at start.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isIPv4 } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { parseListenAddress } from '../values/listen-address.ts';
import { ipv6Bytes } from '../net/address.ts';
import type { Logger } from '../observe/log.ts';
import { ApiError } from './errors.ts';
import type { ApiApp } from './api-app.ts';

export const FAILURES_PER_MINUTE = 10;
/** Shorter tokens are warned about: a few characters can be guessed over the network. */
const MIN_TOKEN_LENGTH = 20;

export class TokenCheck {
  #digest: Buffer;
  /** The token file and its mtime: a new token in it (a pair's standby takes
   *  the master's) counts from the next request on, without a restart. */
  readonly #file: string | undefined;
  #mtime = 0;

  constructor(token: string, file?: string) {
    this.#digest = sha256(token);
    this.#file = file;
    if (file) this.#mtime = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  }

  /** Digests have equal lengths, so timingSafeEqual never leaks the token's length. */
  matches(presented: string): boolean {
    this.#reread();
    return timingSafeEqual(this.#digest, sha256(presented));
  }

  #reread(): void {
    const mtime = this.#file ? statSync(this.#file, { throwIfNoEntry: false })?.mtimeMs : undefined;
    if (mtime === undefined || mtime === this.#mtime) return;
    const token = readFileSync(this.#file!, 'utf8').trim();
    this.#mtime = mtime;
    if (token !== '') this.#digest = sha256(token); // an emptied file keeps the old token
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export function isLoopback(host: string): boolean {
  if (isIPv4(host)) return host.startsWith('127.');
  const bytes = ipv6Bytes(host);
  if (!bytes) return false;
  const v4Mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return v4Mapped ? bytes[12] === 127 : bytes.subarray(0, 15).every((b) => b === 0) && bytes[15] === 1;
}

/** Reads the token file, or creates it when the API listens on loopback only.
 *  Throws when a token is needed and there is none. */
export function loadToken(api: { readonly listen: string; readonly token_file: string }, log: Logger): TokenCheck {
  const file = api.token_file;
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token === '') throw new Error(`the API token file ${file} is empty`);
    if ((statSync(file).mode & 0o077) !== 0) log.warn({ token_file: file }, 'the API token file is readable by other users: chmod 600 it');
    if (token.length < MIN_TOKEN_LENGTH) {
      log.warn(
        { token_file: file },
        `the API token is shorter than ${MIN_TOKEN_LENGTH} characters and can be guessed: make a long one (head -c 32 /dev/urandom | base64)`,
      );
    }
    return new TokenCheck(token, file);
  }
  const host = parseListenAddress(api.listen, 8053)?.host ?? '';
  if (!isLoopback(host)) {
    throw new Error(
      `api.listen ${api.listen} is reachable from the network, and the token file ${file} does not exist: ` +
        'hearth creates a token by itself only for a loopback API. Create one first ' +
        `(umask 077; head -c 32 /dev/urandom | base64 > ${file}) or listen on 127.0.0.1`,
    );
  }
  const token = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  // The one time the token is shown: it is not logged again.
  log.warn({ token_file: file }, `API token created in ${file} (mode 0600): ${token}`);
  return new TokenCheck(token, file);
}

function bearer(request: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** Routes open without the token: the health check, Swagger UI's pages and
 *  spec and the dashboard's files (a browser cannot send a bearer header to
 *  open them; the UI's Authorize button, or the dashboard's sign-in, then
 *  authenticates every call it makes), and GET /session ("am I signed in?"). */
function isOpen(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const url = request.routeOptions.url;
  return (
    url === '/health' || url === '/' || url === '/session' || url === '/docs' || (url?.startsWith('/docs/') ?? false) || (url?.startsWith('/ui/') ?? false)
  );
}

/** Every other route needs the token, or the dashboard's session cookie
 *  (see dashboard/sessions.ts), unknown routes included. */
export function requireToken(app: ApiApp, token: TokenCheck, sessions?: { admits(request: FastifyRequest): boolean }): void {
  const failures = app.createRateLimit({ max: FAILURES_PER_MINUTE, timeWindow: 60_000 });
  app.addHook('onRequest', async (request, reply) => {
    if (isOpen(request)) return;
    const presented = bearer(request);
    if (presented !== undefined && token.matches(presented)) return;
    if (presented === undefined && sessions?.admits(request)) return;
    // Failures are limited, successes never: the right token or session passes above.
    const seen = await failures(request, { increment: false });
    if (!seen.isAllowed && seen.remaining === 0) {
      void reply.header('retry-after', seen.ttlInSeconds);
      throw new ApiError(429, 'too_many_requests', `too many failed logins from this address; retry in ${seen.ttlInSeconds} s`);
    }
    await failures(request);
    void reply.header('www-authenticate', 'Bearer');
    throw new ApiError(
      401,
      'unauthorized',
      presented === undefined ? 'missing "Authorization: Bearer TOKEN" header (the token is in api.token_file)' : 'wrong token',
    );
  });
}
