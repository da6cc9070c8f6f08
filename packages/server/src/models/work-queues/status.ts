import type { WorkQueueStatus } from "@ecsflow/schemas";

/** A queue is READY while a worker polled it within this many seconds (Prefect's foreman default). */
export const WORK_QUEUE_LAST_POLLED_TIMEOUT_SECONDS = 60;

/**
 * PAUSED when paused, READY when polled within the last 60 s, NOT_READY otherwise: the status
 * Prefect's pause/unpause, poll and foreman updates converge to, computed on read so that it needs
 * no background service and no write when it decays.
 */
export function workQueueStatus(isPaused: boolean, lastPolled: string | null, now: number): WorkQueueStatus {
  if (isPaused) return "PAUSED";
  if (lastPolled !== null && now - Date.parse(lastPolled) <= WORK_QUEUE_LAST_POLLED_TIMEOUT_SECONDS * 1000) return "READY";
  return "NOT_READY";
}
