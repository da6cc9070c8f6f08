import { ApiError } from "./api-error";
import { apiRequest } from "./api-client";

/** A run's cost as the server stored it (GET /api/ecsflow/flow_runs/{id}/cost). */
export interface RunCost {
  flow_run_id: string;
  launch_type: string;
  capacity_provider: string | null;
  cpu_architecture: string | null;
  region: string | null;
  /** cpu units (1024 = 1 vCPU) and MiB. */
  cpu: number | null;
  memory: number | null;
  instance_type: string | null;
  started_at: string | null;
  stopped_at: string | null;
  billed_seconds: number | null;
  cost_usd: number | null;
  pricing: string;
}

export type CostGrouping = "deployment" | "work_pool";

/** One deployment's or pool's runs' costs summed by the server (GET /api/ecsflow/costs). */
export interface CostSummaryRow {
  key: string | null;
  name: string | null;
  runs: number;
  priced_runs: number;
  cost_usd: number;
  billed_seconds: number;
}

/** The run's cost, or null when none is recorded (still running, not on ECS). */
export async function readRunCost(flowRunId: string, signal?: AbortSignal): Promise<RunCost | null> {
  try {
    return await apiRequest<RunCost>("GET", `/ecsflow/flow_runs/${encodeURIComponent(flowRunId)}/cost`, undefined, { signal });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

export const readCostSummary = (groupBy: CostGrouping, since: string | null, signal?: AbortSignal) =>
  apiRequest<CostSummaryRow[]>("GET", `/ecsflow/costs?${new URLSearchParams({ group_by: groupBy, ...(since ? { since } : {}) })}`, undefined, { signal });
