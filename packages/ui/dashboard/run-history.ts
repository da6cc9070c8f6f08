import { readFlowRunHistory } from "../api/flow-runs";
import type { StateType } from "../api/types";

export interface HistoryBucket {
  start: number;
  counts: Partial<Record<StateType, number>>;
}

export interface RunHistory {
  buckets: HistoryBucket[];
}

/**
 * Runs per state type per interval over the window, counted by the server (`/flow_runs/history`)
 * over every run, not a sample; state names of one type (Scheduled, Late…) are added up.
 */
export async function loadRunHistory(windowMs: number, buckets: number, now: number, signal?: AbortSignal): Promise<RunHistory> {
  const start = now - windowMs;
  const history = await readFlowRunHistory(
    { history_start: new Date(start).toISOString(), history_end: new Date(now).toISOString(), history_interval_seconds: windowMs / buckets / 1000 },
    signal,
  );
  return {
    buckets: history.map((h) => {
      const counts: Partial<Record<StateType, number>> = {};
      for (const s of h.states) counts[s.state_type] = (counts[s.state_type] ?? 0) + s.count_runs;
      return { start: Date.parse(h.interval_start), counts };
    }),
  };
}
