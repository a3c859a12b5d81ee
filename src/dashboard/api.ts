/// <reference lib="dom" />
/// <reference lib="dom.asynciterable" />
// The page's only way to the API: same-origin fetch with the session cookie,
// the session's CSRF token on every change, errors as ApiFailure with the
// server's message and zod issue paths. A 401 means the session ended: the
// app goes back to the sign-in form.
import type {
  CloakingRules,
  Config,
  DdnsStatus,
  ErrorBody,
  Leases,
  ListSource,
  Lists,
  NameCheck,
  NewRecord,
  QuerylogFilter,
  QuerylogPage,
  RecordKey,
  Records,
  SessionInfo,
  StaticLease,
  Statics,
  Stats,
  Zones,
} from './types.ts';

export class ApiFailure extends Error {
  readonly status: number;
  readonly body: ErrorBody | undefined;

  constructor(status: number, body: ErrorBody | undefined) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

let csrf = '';
let signedOut: () => void = () => {};

/** Called with the session GET /session or POST /session answered. */
export function startSession(session: SessionInfo, onSignedOut: () => void): void {
  csrf = session.csrf ?? '';
  signedOut = onSignedOut;
}

async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(method === 'GET' ? {} : { 'x-hearth-csrf': csrf }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 204) return undefined as T;
  const text = response.headers.get('content-type')?.startsWith('text/plain') === true;
  const answer: unknown = text ? await response.text() : await response.json().catch(() => undefined);
  if (response.ok) return answer as T;
  if (response.status === 401 && headers.authorization === undefined) signedOut();
  throw new ApiFailure(response.status, answer as ErrorBody | undefined);
}

function query(params: Record<string, string | undefined>): string {
  const defined = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
  return defined.length === 0 ? '' : `?${new URLSearchParams(defined).toString()}`;
}

const zonePath = (zone: string, view?: string) => `/zones/${encodeURIComponent(zone)}/records${query({ view })}`;

export const api = {
  session: () => call<SessionInfo>('GET', '/session'),
  signIn: (token: string) => call<SessionInfo>('POST', '/session', undefined, { authorization: `Bearer ${token}` }),
  signOut: () => call<void>('DELETE', '/session'),
  stats: (top = 10) => call<Stats>('GET', `/stats${query({ top: String(top) })}`),
  querylog: (filter: QuerylogFilter) => call<QuerylogPage>('GET', `/querylog${query(filter)}`),
  lists: () => call<Lists>('GET', '/blocklists'),
  addList: (source: ListSource) => call<Lists>('POST', '/blocklists', source),
  removeList: (source: ListSource) => call<Lists>('DELETE', '/blocklists', source),
  refreshLists: () => call<Lists>('POST', '/blocklists/refresh'),
  check: (name: string) => call<NameCheck>('GET', `/blocklists/check${query({ name })}`),
  config: () => call<Config>('GET', '/config'),
  putConfig: (config: Config) => call<{ version: number; hash: string }>('PUT', '/config', config),
  zones: (view?: string) => call<Zones>('GET', `/zones${query({ view })}`),
  records: (zone: string, view?: string) => call<Records>('GET', zonePath(zone, view)),
  addRecord: (zone: string, record: NewRecord, view?: string) => call<unknown>('POST', zonePath(zone, view), record),
  deleteRecord: (zone: string, key: RecordKey, view?: string) => call<unknown>('DELETE', zonePath(zone, view), key),
  cloaking: () => call<CloakingRules>('GET', '/cloaking'),
  addCloak: (rule: string) => call<CloakingRules>('POST', '/cloaking', { rule }),
  removeCloak: (rule: string) => call<CloakingRules>('DELETE', '/cloaking', { rule }),
  leases: () => call<Leases>('GET', '/dhcp/leases'),
  statics: () => call<Statics>('GET', '/dhcp/static'),
  addStatic: (lease: StaticLease) => call<Statics>('POST', '/dhcp/static', lease),
  removeStatic: (key: { mac: string } | { ip: string }) => call<Statics>('DELETE', '/dhcp/static', key),
  /** Prometheus text: upstream health lives there (hearth_upstream_up, _latency_seconds). */
  metrics: () => call<string>('GET', '/metrics'),
  ddns: () => call<DdnsStatus>('GET', '/ddns'),
  ddnsUpdate: () => call<DdnsStatus>('POST', '/ddns/update', { force: true }),
  /** GET /ha's shape grows with the failover work: the Pair page reads it field by field. */
  ha: () => call<Record<string, unknown>>('GET', '/ha'),
  haAction: (action: 'promote' | 'demote') => call<unknown>('POST', `/ha/${action}`),
};

/** The samples of one gauge in Prometheus text, by the value of its one label. */
export function gauge(metrics: string, name: string): Map<string, number> {
  const samples = new Map<string, number>();
  const line = new RegExp(`^${name}\\{[a-z_]+="((?:[^"\\\\]|\\\\.)*)"\\} (\\S+)$`, 'gm');
  for (const [, label = '', value = ''] of metrics.matchAll(line)) samples.set(label.replace(/\\(.)/g, '$1'), Number(value));
  return samples;
}

/** Changes the config in force: GET, change, PUT (the server validates it whole). */
export async function changeConfig(change: (config: Config) => Config): Promise<void> {
  await api.putConfig(change(await api.config()));
}
