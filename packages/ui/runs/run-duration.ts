import type { FlowRun } from "../api/types";

/** Wall time of a run: start to end, or to now while it runs; the server's total when it has one. */
export function runDurationMs(run: Pick<FlowRun, "start_time" | "end_time" | "total_run_time" | "state_type">, now = Date.now()): number {
  if (run.start_time) {
    const end = run.end_time ? Date.parse(run.end_time) : run.state_type === "RUNNING" ? now : NaN;
    if (!Number.isNaN(end)) return end - Date.parse(run.start_time);
  }
  return run.total_run_time > 0 ? run.total_run_time * 1000 : NaN;
}
