import type { Database } from "../database/index.js";
import type { RunKind, RunRow } from "../orchestration/transition-context.js";
import { serverMetricsFor } from "./server-metrics.js";

/** Counts a written transition; a flow run's claim (SCHEDULED → PENDING) also records how late it was claimed. */
export function recordTransition(database: Database, kind: RunKind, run: RunRow, from: string | null, to: string, now: number): void {
  const metrics = serverMetricsFor(database);
  if (!metrics) return;
  metrics.transitions.inc({ kind, from: from ?? "NONE", to });
  if (kind !== "flow_run" || from !== "SCHEDULED" || to !== "PENDING") return;
  const scheduled = Date.parse(String(run.next_scheduled_start_time ?? run.expected_start_time ?? ""));
  if (Number.isFinite(scheduled)) metrics.claimLatency.observe(Math.max(0, now - scheduled) / 1000);
}
