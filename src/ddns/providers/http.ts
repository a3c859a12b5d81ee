// HTTP requests to the providers' APIs and what their status codes mean
// for the updater (RFC 9110 §15): 401/403 are credentials, 408/429/5xx and
// network trouble pass, any other 4xx is a request the provider will never
// take.
import type { ProviderFailure } from './provider.ts';

/** dyndns2 servers want "company - device - version"; one name everywhere keeps it simple. */
export const USER_AGENT = 'hearth - ddns - 0.1';

export interface HttpReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export interface HttpRequest {
  readonly method?: 'GET' | 'POST' | 'PATCH';
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON. */
  readonly json?: unknown;
}

/** The reply, whatever its status; a failure when none came. */
export async function httpCall(url: URL, request: HttpRequest, timeoutMs: number): Promise<HttpReply | ProviderFailure> {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...request.headers };
  if (request.json !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(url, {
      method: request.method ?? 'GET',
      headers,
      ...(request.json === undefined ? {} : { body: JSON.stringify(request.json) }),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    const failure = error as Error & { cause?: Error };
    const reason = failure.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (failure.cause?.message ?? failure.message);
    return { kind: 'transient', reason: `${url.origin}: ${reason}` };
  }
}

export function isFailure<T extends object>(value: T | ProviderFailure): value is ProviderFailure {
  return 'kind' in value && (value.kind === 'auth-error' || value.kind === 'transient' || value.kind === 'fatal');
}

/** What a status outside 2xx means; `detail` says what the provider wrote. */
export function statusFailure(reply: HttpReply, detail = reply.text.trim().slice(0, 200)): ProviderFailure {
  const reason = `HTTP ${reply.status}${detail ? `: ${detail}` : ''}`;
  if (reply.status === 401 || reply.status === 403) return { kind: 'auth-error', reason };
  if (reply.status === 408 || reply.status === 429 || reply.status >= 500) {
    const retryAfterMs = retryAfter(reply.headers.get('retry-after'));
    return { kind: 'transient', reason, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  return { kind: 'fatal', reason };
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date. */
function retryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
