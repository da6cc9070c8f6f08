import type { WorkPoolStatus } from "@ecsflow/schemas";

/** Prefect's legacy agent pools carry no status. */
export const AGENT_WORK_POOL_TYPE = "prefect-agent";

/**
 * PAUSED when paused, READY when at least one worker is online, NOT_READY otherwise; null for
 * agent pools, as in Prefect. Computed on read from the workers' heartbeats (see workers-status.ts).
 */
export function workPoolStatus(type: string, isPaused: boolean, hasOnlineWorker: boolean): WorkPoolStatus | null {
  if (type === AGENT_WORK_POOL_TYPE) return null;
  if (isPaused) return "PAUSED";
  return hasOnlineWorker ? "READY" : "NOT_READY";
}
