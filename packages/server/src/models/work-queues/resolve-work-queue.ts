import type { Kysely } from "kysely";
import type { DB } from "../../database/index.js";
import { ObjectNotFoundError } from "../../errors.js";
import { newId } from "../../ids.js";
import { nowTimestamp } from "../../timestamps.js";

/** Where a deployment or flow run is routed: denormalised onto the row (pools cannot be renamed). */
export interface QueueRoute {
  work_pool_id: string;
  work_pool_name: string;
  work_queue_id: string | null;
  work_queue_name: string | null;
}

/**
 * Resolves a pool name (and optionally a queue name in it) to ids, as Prefect's WorkerLookups:
 * a missing pool is a 404 naming it; without a queue name the pool's default queue is used; a
 * missing queue is created when `createQueue` (deployments) and a 404 otherwise (flow runs).
 * Reads and writes the work-pool tables directly; `db` may be a transaction.
 */
export async function resolveWorkQueue(
  db: Kysely<DB>,
  poolName: string,
  queueName: string | null | undefined,
  options: { createQueue: boolean },
): Promise<QueueRoute> {
  const pool = await db.selectFrom("work_pool").select(["id", "name", "default_queue_id"]).where("name", "=", poolName).executeTakeFirst();
  if (!pool) throw new ObjectNotFoundError(`Work pool "${poolName}" not found.`);
  if (!queueName) {
    const queue = pool.default_queue_id
      ? await db.selectFrom("work_queue").select(["id", "name"]).where("id", "=", pool.default_queue_id).executeTakeFirst()
      : undefined;
    return { work_pool_id: pool.id, work_pool_name: pool.name, work_queue_id: queue?.id ?? null, work_queue_name: queue?.name ?? null };
  }
  const findQueue = () => db.selectFrom("work_queue").select(["id", "name"]).where("work_pool_id", "=", pool.id).where("name", "=", queueName).executeTakeFirst();
  let queue = await findQueue();
  if (!queue) {
    if (!options.createQueue) throw new ObjectNotFoundError(`Work pool queue '${poolName}/${queueName}' not found.`);
    await createQueue(db, pool.id, queueName);
    queue = await findQueue();
    if (!queue) throw new ObjectNotFoundError(`Work pool queue '${poolName}/${queueName}' not found.`);
  }
  return { work_pool_id: pool.id, work_pool_name: pool.name, work_queue_id: queue.id, work_queue_name: queue.name };
}

/** Prefect's priority for a new queue: the first free rank, else one past the last. */
async function createQueue(db: Kysely<DB>, poolId: string, name: string): Promise<void> {
  const taken = (await db.selectFrom("work_queue").select("priority").where("work_pool_id", "=", poolId).execute()).map((r) => r.priority).sort((a, b) => a - b);
  let priority = taken.length + 1;
  for (let i = 0; i < taken.length; i++) {
    if (taken[i] !== i + 1) {
      priority = i + 1;
      break;
    }
  }
  const now = nowTimestamp();
  // Two requests may create the same queue at once; the unique (pool, name) keeps one of them.
  await db
    .insertInto("work_queue")
    .values({ id: newId(), created: now, updated: now, name, description: "", is_paused: 0, concurrency_limit: null, priority, work_pool_id: poolId, last_polled: null, status: "NOT_READY" })
    .onConflict((oc) => oc.columns(["work_pool_id", "name"]).doNothing())
    .execute();
}
