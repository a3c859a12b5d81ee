/// <reference lib="dom" />
// Data that stays current: usePoll loads now and every `everyMs` after,
// paused while the tab is hidden, and reload() asks again at once (after a
// change the user made).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure } from './api.ts';

export interface Polled<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly reload: () => Promise<void>;
}

export function usePoll<T>(load: () => Promise<T>, everyMs: number | undefined, deps: readonly unknown[] = []): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const latest = useRef(load);
  latest.current = load;
  const reload = useCallback(async () => {
    try {
      setData(await latest.current());
      setError(undefined);
    } catch (failure) {
      if (!(failure instanceof ApiFailure && failure.status === 401)) setError(messageOf(failure));
    }
  }, []);
  useEffect(() => {
    void reload();
    if (everyMs === undefined) return undefined;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void reload();
    }, everyMs);
    return () => clearInterval(timer);
  }, [everyMs, ...deps]);
  return { data, error, reload };
}

export function messageOf(failure: unknown): string {
  return failure instanceof Error ? failure.message : String(failure);
}

/** Runs a change, then `after`; its error (the server's message) is shown by the caller. */
export interface Action {
  readonly busy: boolean;
  readonly error: string | undefined;
  readonly run: (change: () => Promise<unknown>) => Promise<boolean>;
}

export function useAction(after: () => unknown): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const run = async (change: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    try {
      await change();
      setError(undefined);
      await after();
      return true;
    } catch (failure) {
      setError(messageOf(failure));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}
