// Keeps one configured record pointing at the home's addresses, each family
// on its own: a family without an address is left alone (an IPv6-only or
// IPv4-only home works, and nothing is deleted), and one family's trouble
// does not hold up the other.
//
// Per run and family: no request at all while the address is the one the
// provider last confirmed (a provider that can be read is asked again once a
// day, to catch edits made elsewhere); otherwise read the provider's record
// where it can be read, and update only when it differs. Transient errors
// back off; an error only the owner can fix stops the record until its
// config or secret changes (ddclient#772 kept retrying a bad password).
import { createHash } from 'node:crypto';
import type { Logger } from '../observe/log.ts';
import { familyKey, type Family } from './address.ts';
import { backoffDelay } from './backoff.ts';
import type { DdnsRecordConfig } from './config.ts';
import type { Detection } from './detect/detection.ts';
import { createProvider } from './providers/create.ts';
import type { DnsProvider, ProviderFailure } from './providers/provider.ts';
import { readRecordSecret } from './secret.ts';
import type { DdnsState } from './state.ts';
import type { DdnsStatus, FamilyStatus, ResultKind } from './status.ts';

/** How long an address confirmed by a provider that can be read is trusted without asking it again. */
export const VERIFY_AFTER_MS = 24 * 3600_000;

export interface RunOptions {
  /** Send the update even when the address did not change, and ignore backoff. */
  readonly force?: boolean;
}

export interface RecordDeps {
  readonly state: DdnsState;
  readonly log: Logger;
  /** ms since the epoch */
  readonly now: () => number;
  readonly random: () => number;
  readonly timeoutMs: number;
}

interface FamilyRuntime {
  lastResult?: { readonly kind: ResultKind; readonly message?: string; readonly at: number };
  failures: number;
  retryAt?: number;
}

export function recordId(record: DdnsRecordConfig): string {
  return `${record.provider}:${record.name.toLowerCase().replace(/\.$/, '')}`;
}

export class RecordUpdater {
  readonly id: string;
  readonly record: DdnsRecordConfig;
  private readonly deps: RecordDeps;
  private readonly log: Logger;
  private readonly families = new Map<Family, FamilyRuntime>();

  constructor(record: DdnsRecordConfig, deps: RecordDeps) {
    this.id = recordId(record);
    this.record = record;
    this.deps = deps;
    this.log = deps.log.child({ ddns: this.id });
  }

  async sync(detections: ReadonlyMap<Family, Detection>, options: RunOptions): Promise<void> {
    const { state } = this.deps;
    const secret = readRecordSecret(this.record);
    const identity = createHash('sha256')
      .update(JSON.stringify(this.record))
      .update('\0')
      .update(secret.ok ? secret.version : secret.reason)
      .digest('hex');
    const stop = state.stopOf(this.id);
    if (stop?.identity === identity) return;
    if (stop) {
      this.log.info({ stopped: stop.reason }, 'ddns record resumes: its config or secret changed');
      await state.resume(this.id);
    }
    if (!secret.ok) return this.stop({ kind: 'fatal', reason: secret.reason }, identity);
    const build = createProvider(this.record, secret, this.deps.timeoutMs);
    if (!build.ok) return this.stop({ kind: 'fatal', reason: build.reason }, identity);
    for (const [family, detection] of detections) {
      const failure = await this.syncFamily(build.provider, family, detection, options);
      if (failure) return this.stop(failure, identity);
    }
  }

  status(family: Family): FamilyStatus {
    const runtime = this.families.get(family);
    const confirmed = this.deps.state.confirmed(this.id, familyKey(family));
    return {
      address: confirmed?.address ?? null,
      confirmedAt: iso(confirmed?.at),
      changedAt: iso(confirmed?.changedAt),
      lastResult: runtime?.lastResult ? { ...runtime.lastResult, at: iso(runtime.lastResult.at)! } : null,
      failures: runtime?.failures ?? 0,
      retryAt: iso(runtime?.retryAt),
    };
  }

  stopped(): DdnsStatus['records'][number]['stopped'] {
    const stop = this.deps.state.stopOf(this.id);
    return stop ? { kind: stop.kind, reason: stop.reason, since: iso(stop.since)! } : null;
  }

  /** Returns the failure that stops the record, if one does. */
  private async syncFamily(provider: DnsProvider, family: Family, detection: Detection, options: RunOptions): Promise<StopFailure | undefined> {
    const runtime = this.runtime(family);
    const now = this.deps.now();
    if (detection.kind === 'missing') return void this.result(runtime, 'no-address', detection.reason);
    if (!options.force && runtime.retryAt !== undefined && now < runtime.retryAt) return undefined;
    const { address } = detection;
    const key = familyKey(family);
    const confirmed = this.deps.state.confirmed(this.id, key);
    if (!options.force && confirmed?.address === address && (!provider.current || now - confirmed.at < VERIFY_AFTER_MS)) {
      return void this.result(runtime, 'unchanged', 'the address the provider last confirmed');
    }
    if (!options.force && provider.current) {
      const current = await provider.current(family);
      if (current.kind !== 'current') return this.failed(runtime, family, current);
      if (current.addresses.length === 1 && current.addresses[0] === address) {
        await this.deps.state.confirm(this.id, key, address, this.deps.now());
        return void this.result(runtime, 'unchanged', 'the provider has it already');
      }
    }
    const outcome = await provider.update(family, address);
    if (outcome.kind !== 'updated' && outcome.kind !== 'unchanged') return this.failed(runtime, family, outcome);
    // Durable before it counts: the next run compares with it.
    await this.deps.state.confirm(this.id, key, address, this.deps.now());
    runtime.failures = 0;
    runtime.retryAt = undefined;
    this.result(runtime, outcome.kind, outcome.kind === 'updated' ? `now ${address}` : 'the provider had it already');
    if (outcome.kind === 'updated') this.log.info({ family: key, address, previous: confirmed?.address }, 'ddns record updated');
    return undefined;
  }

  private failed(runtime: FamilyRuntime, family: Family, failure: ProviderFailure): StopFailure | undefined {
    if (failure.kind !== 'transient') {
      this.result(runtime, failure.kind, failure.reason);
      return failure;
    }
    runtime.failures += 1;
    const delay = backoffDelay(runtime.failures, this.deps.random, failure.retryAfterMs);
    runtime.retryAt = this.deps.now() + delay;
    this.result(runtime, 'transient', failure.reason);
    this.log.warn(
      { family: familyKey(family), reason: failure.reason, failures: runtime.failures, retryAt: iso(runtime.retryAt) },
      'ddns update failed; backing off',
    );
    return undefined;
  }

  private async stop(failure: StopFailure, identity: string): Promise<void> {
    this.log.error(
      { reason: failure.reason, kind: failure.kind },
      `ddns record ${this.record.name} (${this.record.provider}) STOPPED: ${failure.reason}. No more requests for it until its config or secret changes, or an update with resume`,
    );
    await this.deps.state.stop(this.id, { kind: failure.kind, reason: failure.reason, since: this.deps.now(), identity });
  }

  private result(runtime: FamilyRuntime, kind: ResultKind, message?: string): void {
    runtime.lastResult = { kind, ...(message === undefined ? {} : { message }), at: this.deps.now() };
  }

  private runtime(family: Family): FamilyRuntime {
    let runtime = this.families.get(family);
    if (!runtime) this.families.set(family, (runtime = { failures: 0 }));
    return runtime;
  }
}

type StopFailure = Exclude<ProviderFailure, { kind: 'transient' }>;

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}
