import type { WorkQueue } from "@ecsflow/schemas";
import type { WorkQueueTable } from "../../database/index.js";
import { toBool } from "../shared/json-columns.js";
import { workQueueStatus } from "./status.js";

/** A stored work pool queue as the API returns it; `activeSlots` is only used when the queue has a limit. */
export function workQueueFromRow(row: WorkQueueTable, workPoolName: string, activeSlots: number, now: number): WorkQueue {
  const isPaused = toBool(row.is_paused);
  return {
    id: row.id,
    created: row.created,
    updated: row.updated,
    name: row.name,
    description: row.description,
    is_paused: isPaused,
    concurrency_limit: row.concurrency_limit,
    priority: row.priority,
    work_pool_id: row.work_pool_id,
    filter: null,
    last_polled: row.last_polled,
    work_pool_name: workPoolName,
    status: workQueueStatus(isPaused, row.last_polled, now),
    active_slots: row.concurrency_limit === null ? null : activeSlots,
  };
}
