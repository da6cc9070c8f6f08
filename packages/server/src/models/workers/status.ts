import type { WorkerStatus } from "@ecsflow/schemas";

/** A worker counts as offline after missing this many heartbeats (Prefect's foreman default). */
export const WORKER_INACTIVITY_HEARTBEAT_MULTIPLE = 3;
/** The interval assumed for a worker that did not say how often it beats (Prefect's default). */
export const WORKER_FALLBACK_HEARTBEAT_INTERVAL_SECONDS = 30;

/**
 * ONLINE while the last heartbeat is at most 3 intervals old. Computed on every read, not stored:
 * Prefect keeps the status in the row and needs a background service (the foreman) to flip it to
 * OFFLINE; computing it needs no service and is never stale.
 */
export function workerStatus(lastHeartbeatTime: string, heartbeatIntervalSeconds: number | null, now: number): WorkerStatus {
  const interval = heartbeatIntervalSeconds ?? WORKER_FALLBACK_HEARTBEAT_INTERVAL_SECONDS;
  const ageSeconds = (now - Date.parse(lastHeartbeatTime)) / 1000;
  return ageSeconds <= interval * WORKER_INACTIVITY_HEARTBEAT_MULTIPLE ? "ONLINE" : "OFFLINE";
}
