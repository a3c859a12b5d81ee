// Cloudflare's API v4 with a token scoped to the zone's DNS: look the record
// up (GET /zones/{zone}/dns_records?type=A&name=…), then PATCH only its
// content, so its TTL and proxied flag stay as the owner set them; create it
// (POST) when there is none. Of several records of one type and name, the
// first is the one kept up to date; the others are the owner's.
import { globalAddress, type Family } from '../address.ts';
import { httpCall, isFailure, statusFailure, type HttpReply, type HttpRequest } from './http.ts';
import type { CurrentResult, DnsProvider, ProviderFailure, UpdateResult } from './provider.ts';

export interface CloudflareOptions {
  /** `https://api.cloudflare.com/client/v4`. */
  readonly apiUrl: string;
  readonly zoneId: string;
  readonly name: string;
  readonly token: string;
  /** For a record hearth creates. */
  readonly ttl: number;
  readonly proxied: boolean;
  readonly timeoutMs: number;
}

interface DnsRecord {
  readonly id: string;
  readonly content: string;
}

/** The record of one family, undefined when there is none. */
type Lookup = { readonly kind: 'looked-up'; readonly record: DnsRecord | undefined } | ProviderFailure;

/** Cloudflare's error codes for a token it does not accept (besides HTTP 401/403). */
const AUTH_ERROR_CODES = new Set([6003, 6111, 9106, 9109, 10000]);

export class CloudflareProvider implements DnsProvider {
  private readonly options: CloudflareOptions;
  /** The record current() found, so update() need not look again. */
  private readonly found = new Map<Family, Lookup>();

  constructor(options: CloudflareOptions) {
    this.options = options;
  }

  async current(family: Family): Promise<CurrentResult> {
    const lookup = await this.lookup(family);
    if (lookup.kind !== 'looked-up') return lookup;
    const { record } = lookup;
    return { kind: 'current', addresses: record ? [globalAddress(record.content, family) ?? record.content] : [] };
  }

  async update(family: Family, address: string): Promise<UpdateResult> {
    const lookup = this.found.get(family) ?? (await this.lookup(family));
    this.found.delete(family);
    if (lookup.kind !== 'looked-up') return lookup;
    const { record } = lookup;
    const reply = record
      ? await this.call(`dns_records/${encodeURIComponent(record.id)}`, { method: 'PATCH', json: { content: address } })
      : await this.call('dns_records', {
          method: 'POST',
          json: { type: typeOf(family), name: this.options.name, content: address, ttl: this.options.ttl, proxied: this.options.proxied },
        });
    return isFailure(reply) ? reply : { kind: 'updated' };
  }

  /** With several records of the family, the first is the one kept up to date. */
  private async lookup(family: Family): Promise<Lookup> {
    const reply = await this.call(`dns_records?type=${typeOf(family)}&name=${encodeURIComponent(this.options.name)}`, { method: 'GET' });
    if (isFailure(reply)) return reply;
    const result = (reply as { result?: unknown }).result;
    if (!Array.isArray(result)) return { kind: 'fatal', reason: 'the record lookup answered no result list' };
    const first = result[0] as { id?: unknown; content?: unknown } | undefined;
    const record = first && typeof first.id === 'string' && typeof first.content === 'string' ? { id: first.id, content: first.content } : undefined;
    const lookup = { kind: 'looked-up', record } as const;
    this.found.set(family, lookup);
    return lookup;
  }

  /** The parsed body of a successful call, or what went wrong. */
  private async call(path: string, request: HttpRequest): Promise<object | ProviderFailure> {
    const url = new URL(`${this.options.apiUrl.replace(/\/$/, '')}/zones/${encodeURIComponent(this.options.zoneId)}/${path}`);
    const reply = await httpCall(url, { ...request, headers: { authorization: `Bearer ${this.options.token}` } }, this.options.timeoutMs);
    if (isFailure(reply)) return reply;
    const body = parseBody(reply);
    if (reply.status >= 200 && reply.status < 300 && body?.success === true) return body;
    const errors = body?.errors ?? [];
    const detail = errors.map((error) => `${error.code}: ${error.message}`).join('; ') || undefined;
    if (errors.some((error) => AUTH_ERROR_CODES.has(error.code))) return { kind: 'auth-error', reason: `HTTP ${reply.status}: ${detail}` };
    if (reply.status >= 200 && reply.status < 300) return { kind: 'fatal', reason: `HTTP ${reply.status} without success${detail ? `: ${detail}` : ''}` };
    return statusFailure(reply, detail);
  }
}

interface ApiBody {
  readonly success?: unknown;
  readonly errors?: ReadonlyArray<{ readonly code: number; readonly message: string }>;
}

function parseBody(reply: HttpReply): ApiBody | undefined {
  try {
    const body = JSON.parse(reply.text) as unknown;
    if (typeof body !== 'object' || body === null) return undefined;
    const errors = (body as { errors?: unknown }).errors;
    const list = Array.isArray(errors) ? errors.filter((e): e is { code: number; message: string } => typeof e?.code === 'number') : [];
    return { ...body, errors: list.map((e) => ({ code: e.code, message: String(e.message) })) };
  } catch {
    return undefined;
  }
}

function typeOf(family: Family): 'A' | 'AAAA' {
  return family === 4 ? 'A' : 'AAAA';
}
