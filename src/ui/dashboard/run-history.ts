import { ApiError } from "../api/api-error";
import { readFlowRunHistory, readFlowRuns } from "../api/flow-runs";
import { MAX_PAGE } from "../api/max-page";
import type { StateType } from "../api/types";

export interface HistoryBucket {
  start: number;
  counts: Partial<Record<StateType, number>>;
}

export interface RunHistory {
  buckets: HistoryBucket[];
  /** Set when the chart is built from a sample of the newest runs rather than the server's totals. */
  sampledFrom?: number;
}

const SAMPLE = 1000;

/**
 * Runs per state per interval over the window: Prefect's `/flow_runs/history` where the server
 * has it; otherwise counted here from the newest 1,000 runs of the window (and said so).
 */
export async function loadRunHistory(windowMs: number, buckets: number, now: number, signal?: AbortSignal): Promise<RunHistory> {
  const start = now - windowMs;
  const size = windowMs / buckets;
  try {
    const history = await readFlowRunHistory(
      { history_start: new Date(start).toISOString(), history_end: new Date(now).toISOString(), history_interval_seconds: size / 1000 },
      signal,
    );
    return {
      buckets: history.map((h) => ({
        start: Date.parse(h.interval_start),
        counts: Object.fromEntries(h.states.map((s) => [s.state_type, s.count_runs])),
      })),
    };
  } catch (err) {
    if (!(err instanceof ApiError && (err.status === 404 || err.status === 405))) throw err;
  }
  const query = { flow_runs: { expected_start_time: { after_: new Date(start).toISOString() } } };
  const runs = [];
  for (let offset = 0; offset < SAMPLE; offset += MAX_PAGE) {
    const page = await readFlowRuns(query, { sort: "EXPECTED_START_TIME_DESC", limit: MAX_PAGE, offset }, signal);
    runs.push(...page);
    if (page.length < MAX_PAGE) break;
  }
  const out: HistoryBucket[] = Array.from({ length: buckets }, (_, i) => ({ start: start + i * size, counts: {} }));
  for (const r of runs) {
    const t = Date.parse(r.expected_start_time ?? r.created);
    const i = Math.min(buckets - 1, Math.max(0, Math.floor((t - start) / size)));
    const type = r.state_type ?? "PENDING";
    out[i].counts[type] = (out[i].counts[type] ?? 0) + 1;
  }
  return { buckets: out, sampledFrom: runs.length >= SAMPLE ? SAMPLE : undefined };
}
