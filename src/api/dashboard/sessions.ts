// Browser sessions for the dashboard. Signing in trades the API token for a
// random session id in an HttpOnly, SameSite=Strict cookie, so the page's
// scripts never hold the token and other sites cannot send the cookie. A
// write made with the cookie must also carry the session's CSRF token in a
// header: a cross-site form cannot set headers, and hearth answers no CORS
// preflight, so SameSite is not the only guard. Sessions live in memory: a
// restart signs everyone out.
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';

export const SESSION_COOKIE = 'hearth_session';
export const CSRF_HEADER = 'x-hearth-csrf';
/** A session ends 12 hours after sign-in, used or not. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** A house has a few browsers; past this many the oldest session ends. */
const MAX_SESSIONS = 64;

export interface Session {
  readonly csrf: string;
  /** Epoch ms. */
  readonly expires: number;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class Sessions {
  /** Keyed by the id's sha256, so a lookup's timing says nothing about ids held. */
  readonly #byDigest = new Map<string, Session>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A new session; `id` goes into the cookie and is not kept. */
  open(): Session & { readonly id: string } {
    const id = randomBytes(32).toString('base64url');
    const session = { csrf: randomBytes(24).toString('base64url'), expires: this.#now() + SESSION_TTL_MS };
    if (this.#byDigest.size >= MAX_SESSIONS) this.#byDigest.delete(this.#byDigest.keys().next().value ?? '');
    this.#byDigest.set(digest(id), session);
    return { id, ...session };
  }

  /** The unexpired session whose cookie the request carries. */
  find(request: FastifyRequest): Session | undefined {
    const id = cookieId(request);
    if (id === undefined) return undefined;
    const key = digest(id);
    const session = this.#byDigest.get(key);
    if (session && session.expires > this.#now()) return session;
    this.#byDigest.delete(key);
    return undefined;
  }

  close(request: FastifyRequest): void {
    const id = cookieId(request);
    if (id !== undefined) this.#byDigest.delete(digest(id));
  }

  /** Whether the request's cookie signs it in. A write with a valid cookie
   *  but without the session's CSRF header is refused outright (403). */
  admits(request: FastifyRequest): boolean {
    const session = this.find(request);
    if (!session) return false;
    if (SAFE_METHODS.has(request.method) || request.headers[CSRF_HEADER] === session.csrf) return true;
    throw new ApiError(403, 'forbidden', `a change made with the session cookie needs the ${CSRF_HEADER} header that GET /session gives`);
  }
}

function digest(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

const COOKIE_ID = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([A-Za-z0-9_-]{43})(?:;|$)`);

function cookieId(request: FastifyRequest): string | undefined {
  return COOKIE_ID.exec(request.headers.cookie ?? '')?.[1];
}

/** The Set-Cookie value for a session, or for ending one (`undefined`). */
export function sessionCookie(session: (Session & { readonly id: string }) | undefined, secure: boolean): string {
  const value = session ? `${session.id}; Max-Age=${Math.floor(SESSION_TTL_MS / 1000)}` : '; Max-Age=0';
  // Plain HTTP on the LAN is the usual case; behind TLS the cookie says Secure too.
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
