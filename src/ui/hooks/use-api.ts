import { useCallback, useEffect, useRef, useState } from "react";

export interface ApiState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Fetches again now (after an action). */
  reload: () => void;
}

/**
 * Loads `fetcher` when `key` changes and, with `pollMs`, again that long after each answer while
 * the tab is visible: one request at a time, none while hidden, so a left-open tab costs little.
 * The last good data stays on screen while a refresh is under way or failed.
 */
export function useApi<T>(fetcher: (signal: AbortSignal) => Promise<T>, key: string, options: { pollMs?: number; enabled?: boolean; keepPolling?: (data: T) => boolean } = {}): ApiState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean; key: string }>({ data: undefined, error: undefined, loading: true, key });
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  const keepPollingRef = useRef(options.keepPolling);
  keepPollingRef.current = options.keepPolling;
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const enabled = options.enabled ?? true;
  const pollMs = options.pollMs;

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    let last: T | undefined;
    const schedule = () => {
      if (stopped || !pollMs) return;
      // A finished run, say, need not be asked again; a failed call is retried.
      if (last !== undefined && keepPollingRef.current && !keepPollingRef.current(last)) return;
      timer = setTimeout(() => void run(false), pollMs);
    };
    const run = async (first: boolean) => {
      if (document.hidden && !first) return; // polling resumes on visibilitychange
      try {
        const data = await fetcherRef.current(controller.signal);
        last = data;
        if (!stopped) setState({ data, error: undefined, loading: false, key });
      } catch (error) {
        if (stopped || (error as Error).name === "AbortError") return;
        setState((s) => ({ data: s.key === key ? s.data : undefined, error, loading: false, key }));
      }
      schedule();
    };
    const onVisible = () => {
      if (!document.hidden && pollMs) {
        clearTimeout(timer);
        void run(false);
      }
    };
    setState((s) => (s.key === key ? { ...s, loading: true } : { data: undefined, error: undefined, loading: true, key }));
    void run(true);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      controller.abort();
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [key, tick, pollMs, enabled]);

  const current = state.key === key;
  return { data: current ? state.data : undefined, error: current ? state.error : undefined, loading: !current || state.loading, reload };
}
