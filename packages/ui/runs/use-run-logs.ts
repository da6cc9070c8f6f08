import { useEffect, useRef, useState } from "react";
import { LOG_PAGE_SIZE, readFlowRunLogs } from "../api/logs";
import type { LogEntry } from "../api/types";
import { takePrimed } from "../hooks/primed-loads";
import { firstLogsKey } from "./run-logs-data";

/** Most lines kept in the page; a download fetches the same lines. */
export const MAX_LOG_LINES = 10_000;
const TAIL_MS = 2000;

/**
 * The run's logs at or above `minLevel`: all pages first, then, while `live`, only lines at or
 * after the last one seen (deduplicated by id), every 2 s — a tail, not a reload.
 */
export function useRunLogs(flowRunId: string, minLevel: number, live: boolean) {
  const [logs, setLogs] = useState<LogEntry[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [truncated, setTruncated] = useState(false);
  // Read by the tail loop, so a run finishing stops the tail without reloading every line.
  const liveRef = useRef(live);
  liveRef.current = live;

  useEffect(() => {
    const controller = new AbortController();
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const seen = new Set<string>();
    let all: LogEntry[] = [];
    let finalRead = false;

    const add = (batch: LogEntry[]) => {
      const fresh = batch.filter((l) => !seen.has(l.id));
      for (const l of fresh) seen.add(l.id);
      if (fresh.length) {
        all = [...all, ...fresh].slice(0, MAX_LOG_LINES);
        setLogs(all);
      }
      return fresh.length;
    };

    const loadAll = async () => {
      for (let offset = 0; offset < MAX_LOG_LINES; offset += LOG_PAGE_SIZE) {
        // The route prefetch may already have asked for the first page at every level.
        const primed = offset === 0 && minLevel === 0 ? takePrimed<LogEntry[]>(firstLogsKey(flowRunId)) : undefined;
        const page = await (primed ?? readFlowRunLogs(flowRunId, { minLevel, offset }, controller.signal));
        // A primed page cannot be aborted with the effect; drop it as an aborted read would be.
        if (stopped) throw new DOMException("The logs view was closed", "AbortError");
        add(page);
        if (page.length < LOG_PAGE_SIZE) return;
      }
      setTruncated(true);
    };
    const tail = async () => {
      if (stopped) return;
      try {
        if (!document.hidden) {
          const after = all.at(-1)?.timestamp;
          const page = await readFlowRunLogs(flowRunId, { minLevel, after }, controller.signal);
          add(page);
          setError(null);
        }
      } catch (err) {
        if ((err as Error).name !== "AbortError") setError(err);
      }
      // One more read after the run ends picks up its last lines.
      if (!stopped && (liveRef.current || !finalRead)) {
        if (!liveRef.current) finalRead = true;
        timer = setTimeout(() => void tail(), TAIL_MS);
      }
    };

    setLogs([]);
    setLoading(true);
    setTruncated(false);
    loadAll()
      .then(() => {
        setError(null);
        if (liveRef.current) timer = setTimeout(() => void tail(), TAIL_MS);
      })
      .catch((err) => {
        if ((err as Error).name !== "AbortError") setError(err);
      })
      .finally(() => !stopped && setLoading(false));
    return () => {
      stopped = true;
      controller.abort();
      clearTimeout(timer);
    };
  }, [flowRunId, minLevel]);

  return { logs, error, loading, truncated };
}
