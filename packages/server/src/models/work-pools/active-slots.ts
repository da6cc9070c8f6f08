import type { Kysely } from "kysely";
import type { StateType } from "@ecsflow/schemas";
import type { DB } from "../../database/index.js";

/**
 * The run states that hold a slot of a pool's or queue's concurrency limit. Prefect's work pool
 * scheduler (get-runs-from-worker-queues.sql) and its `active_slots` count PENDING and RUNNING
 * only; a CANCELLING run does not hold a slot there, so it does not here either.
 */
export const SLOT_OCCUPYING_STATES: readonly StateType[] = ["PENDING", "RUNNING"];

/** Slot-holding runs per pool (pools with none are absent), by the run's denormalised pool id. */
export async function countPoolActiveSlots(db: Kysely<DB>, workPoolIds: readonly string[]): Promise<Map<string, number>> {
  if (workPoolIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("flow_run")
    .select(["work_pool_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("work_pool_id", "in", workPoolIds)
    .where("state_type", "in", SLOT_OCCUPYING_STATES)
    .groupBy("work_pool_id")
    .execute();
  return new Map(rows.map((r) => [r.work_pool_id as string, Number(r.n)]));
}

/** Slot-holding runs per queue (queues with none are absent). */
export async function countQueueActiveSlots(db: Kysely<DB>, workQueueIds: readonly string[]): Promise<Map<string, number>> {
  if (workQueueIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("flow_run")
    .select(["work_queue_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("state_type", "in", SLOT_OCCUPYING_STATES)
    .where("work_queue_id", "in", workQueueIds)
    .groupBy("work_queue_id")
    .execute();
  return new Map(rows.map((r) => [r.work_queue_id as string, Number(r.n)]));
}
