import { useCallback, useEffect, useRef, useState } from "react";
import { subscribeRunEvents, type RunEvent, type RunEventQuery } from "../api/run-events";
import { peekPrimed, takePrimed } from "./primed-loads";

/** While the run event stream is up, polling only backs it up. */
const LIVE_POLL_MS = 30_000;
/** Events in a burst (a worker launching a batch) make one refresh. */
const LIVE_REFRESH_DELAY_MS = 300;

export interface LiveOptions {
  /** Which runs' changes matter to this data (sent to the server as the stream's filter). */
  query: RunEventQuery;
  /** Finer client-side filter. */
  match?: (event: RunEvent) => boolean;
  /** Wait this long after a change before refreshing, so a burst makes one refresh (default 300 ms). */
  delayMs?: number;
}

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
 * With `live`, the server's run events trigger the refresh instead (a change shows within a
 * fraction of a second) and polling drops to a slow safety net while the stream is up.
 * The last good data stays on screen while a refresh is under way or failed. A load primed under
 * `key` before React started (hooks/primed-loads) stands in for the first fetch.
 */
export function useApi<T>(
  fetcher: (signal: AbortSignal) => Promise<T>,
  key: string,
  options: { pollMs?: number; enabled?: boolean; keepPolling?: (data: T) => boolean; live?: LiveOptions } = {},
): ApiState<T> {
  const enabled = options.enabled ?? true;
  // A load primed before React started and already back makes the very first render a full one.
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean; key: string }>(() => {
    const primed = enabled ? peekPrimed<T>(key) : undefined;
    return primed ? { data: primed.value, error: undefined, loading: false, key } : { data: undefined, error: undefined, loading: true, key };
  });
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  const keepPollingRef = useRef(options.keepPolling);
  keepPollingRef.current = options.keepPolling;
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  const [live, setLive] = useState(false);
  const pollMs = options.pollMs && live ? Math.max(options.pollMs, LIVE_POLL_MS) : options.pollMs;
  // Read by the loader, not a dependency of it: the stream going live (or down) changes the next
  // poll's delay, and must not abort and repeat the first load (a whole round trip on every page).
  const pollMsRef = useRef(pollMs);
  pollMsRef.current = pollMs;
  const refreshRef = useRef<() => void>(() => undefined);
  const matchRef = useRef(options.live?.match);
  matchRef.current = options.live?.match;
  const liveQuery = options.live ? JSON.stringify(options.live.query) : null;
  const liveDelay = options.live?.delayMs ?? LIVE_REFRESH_DELAY_MS;

  useEffect(() => {
    if (!enabled || liveQuery === null) return;
    let pending: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = subscribeRunEvents(JSON.parse(liveQuery) as RunEventQuery, {
      onChange(event) {
        if (event && matchRef.current && !matchRef.current(event)) return;
        if (pending || document.hidden) return;
        pending = setTimeout(() => {
          pending = undefined;
          refreshRef.current();
        }, liveDelay);
      },
      onLive: setLive,
    });
    return () => {
      clearTimeout(pending);
      unsubscribe();
    };
  }, [liveQuery, liveDelay, enabled]);

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    let last: T | undefined;
    const schedule = () => {
      const pollMs = pollMsRef.current;
      if (stopped || !pollMs) return;
      // A finished run, say, need not be asked again; a failed call is retried.
      if (last !== undefined && keepPollingRef.current && !keepPollingRef.current(last)) return;
      timer = setTimeout(() => void run(false), pollMs);
    };
    const run = async (first: boolean) => {
      if (document.hidden && !first) return; // polling resumes on visibilitychange
      inFlight = true;
      try {
        const primed = first ? takePrimed<T>(key) : undefined;
        const data = await (primed ?? fetcherRef.current(controller.signal));
        last = data;
        // The same object as on screen (the primed value the first render used) needs no render.
        if (!stopped) setState((s) => (s.key === key && s.data === data && !s.error && !s.loading ? s : { data, error: undefined, loading: false, key }));
      } catch (error) {
        if (stopped || (error as Error).name === "AbortError") return;
        setState((s) => ({ data: s.key === key ? s.data : undefined, error, loading: false, key }));
      } finally {
        inFlight = false;
      }
      if (again && !stopped) {
        again = false;
        void run(false);
        return;
      }
      schedule();
    };
    const onVisible = () => {
      if (!document.hidden && pollMsRef.current) {
        clearTimeout(timer);
        void run(false);
      }
    };
    let inFlight = false;
    let again = false;
    refreshRef.current = () => {
      if (stopped) return;
      if (inFlight) {
        again = true;
        return;
      }
      clearTimeout(timer);
      void run(false);
    };
    // Read before run() takes the primed load: a primed value on screen is no reason to show "loading".
    const showsPrimed = peekPrimed(key) !== undefined;
    setState((s) => (s.key !== key ? { data: undefined, error: undefined, loading: true, key } : s.loading || showsPrimed ? s : { ...s, loading: true }));
    void run(true);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      controller.abort();
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [key, tick, enabled]);

  const current = state.key === key;
  return { data: current ? state.data : undefined, error: current ? state.error : undefined, loading: !current || state.loading, reload };
}
