import type { Kysely, Transaction } from "kysely";
import type { WorkQueue, WorkQueueCreate, WorkQueueFilterBody, WorkQueueUpdate } from "@ecsflow/schemas";
import type { Database, DB, WorkQueueTable } from "../../database/index.js";
import { ConflictError, ObjectNotFoundError } from "../../errors.js";
import { newId } from "../../ids.js";
import { normalizeTimestamp, toTimestamp } from "../../timestamps.js";
import { resolveLimit } from "../filters/resolve-limit.js";
import { fromBool } from "../shared/json-columns.js";
import { countQueueActiveSlots } from "../work-pools/active-slots.js";
import { lockWorkPool, readWorkPoolRow } from "../work-pools/work-pools.js";
import { workQueueFilterCondition } from "./work-queue-filter.js";
import { firstFreePriority, rebalancePriorities } from "./priorities.js";
import { workQueueFromRow } from "./work-queue-row.js";

export function workQueueNotFound(workPoolName: string, name: string): ObjectNotFoundError {
  return new ObjectNotFoundError(`Work pool queue '${workPoolName}/${name}' not found.`);
}

function duplicateQueue(workPoolName: string): ConflictError {
  return new ConflictError(`A work queue with this name already exists in work pool '${workPoolName}'.`);
}

/** Rows of one pool as the API returns them: one query for busy slots, for the queues with a limit. */
export async function describeWorkQueues(db: Kysely<DB>, rows: WorkQueueTable[], workPoolName: string, now: number): Promise<WorkQueue[]> {
  const slots = await countQueueActiveSlots(
    db,
    rows.filter((r) => r.concurrency_limit !== null).map((r) => r.id),
  );
  return rows.map((r) => workQueueFromRow(r, workPoolName, slots.get(r.id) ?? 0, now));
}

async function queuesOfPool(trx: Transaction<DB>, workPoolId: string): Promise<WorkQueueTable[]> {
  return trx.selectFrom("work_queue").selectAll().where("work_pool_id", "=", workPoolId).orderBy("priority").execute();
}

/** Writes the priorities `rebalancePriorities` changed (few rows: queue changes are rare). */
async function applyPriorities(trx: Transaction<DB>, changes: Map<string, number>): Promise<void> {
  for (const [id, priority] of changes) {
    await trx.updateTable("work_queue").set({ priority }).where("id", "=", id).execute();
  }
}

/** One queue by pool and queue name: a single indexed join, 404 with Prefect's message. */
export async function readWorkQueue(database: Database, workPoolName: string, name: string, now: number = Date.now()): Promise<WorkQueue> {
  const row = await database.db
    .selectFrom("work_queue")
    .innerJoin("work_pool", "work_pool.id", "work_queue.work_pool_id")
    .selectAll("work_queue")
    .where("work_pool.name", "=", workPoolName)
    .where("work_queue.name", "=", name)
    .executeTakeFirst();
  if (!row) throw workQueueNotFound(workPoolName, name);
  return (await describeWorkQueues(database.db, [row], workPoolName, now))[0];
}

/** The pool's queues by priority, as Prefect orders them. */
export async function readWorkQueues(database: Database, workPoolName: string, body: WorkQueueFilterBody, now: number = Date.now()): Promise<WorkQueue[]> {
  const limit = resolveLimit(body.limit);
  const pool = await readWorkPoolRow(database.db, workPoolName);
  const rows = await database.db
    .selectFrom("work_queue")
    .selectAll()
    .where("work_pool_id", "=", pool.id)
    .where(workQueueFilterCondition(database.engine, body.work_queues))
    .orderBy("priority")
    .limit(limit)
    .offset(body.offset ?? 0)
    .execute();
  return describeWorkQueues(database.db, rows, workPoolName, now);
}

/**
 * Creates a queue in the pool. Without a priority it takes the first free one; with a priority
 * already held, the queues from there on shift down as far as needed (Prefect's rules).
 */
export async function createWorkQueue(database: Database, workPoolName: string, input: WorkQueueCreate, now: number = Date.now()): Promise<WorkQueue> {
  const ts = toTimestamp(now);
  const row = await database.db.transaction().execute(async (trx) => {
    const pool = await lockWorkPool(trx, workPoolName);
    const existing = await queuesOfPool(trx, pool.id);
    if (existing.some((q) => q.name === input.name)) throw duplicateQueue(workPoolName);
    const priority = input.priority ?? firstFreePriority(existing.map((q) => q.priority));
    const created: WorkQueueTable = {
      id: newId(now),
      created: ts,
      updated: ts,
      name: input.name,
      description: input.description === undefined ? "" : input.description,
      is_paused: fromBool(input.is_paused),
      concurrency_limit: input.concurrency_limit ?? null,
      priority,
      work_pool_id: pool.id,
      last_polled: null,
      // The status is computed on read (work-queues-status.ts); the column is not used.
      status: "NOT_READY",
    };
    await trx.insertInto("work_queue").values(created).execute();
    if (input.priority !== undefined && input.priority !== null) {
      await applyPriorities(trx, rebalancePriorities([...existing, created], new Map([[created.id, priority]])));
    }
    return created;
  });
  return workQueueFromRow(row, workPoolName, 0, now);
}

/**
 * Changes the fields that were sent. A null clears `description`, `concurrency_limit` and
 * `last_polled`; for `name`, `is_paused` and `priority`, which cannot be empty, it means "leave as
 * is". A new priority shifts the other queues as on create.
 */
export async function updateWorkQueue(database: Database, workPoolName: string, name: string, patch: WorkQueueUpdate, now: number = Date.now()): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const pool = await lockWorkPool(trx, workPoolName);
    const queues = await queuesOfPool(trx, pool.id);
    const queue = queues.find((q) => q.name === name);
    if (!queue) throw workQueueNotFound(workPoolName, name);
    const set: Partial<WorkQueueTable> = {};
    if (patch.name !== undefined && patch.name !== null && patch.name !== queue.name) {
      if (queues.some((q) => q.name === patch.name)) throw duplicateQueue(workPoolName);
      set.name = patch.name;
    }
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.is_paused !== undefined && patch.is_paused !== null) set.is_paused = fromBool(patch.is_paused);
    if (patch.concurrency_limit !== undefined) set.concurrency_limit = patch.concurrency_limit;
    if (patch.last_polled !== undefined) set.last_polled = patch.last_polled === null ? null : normalizeTimestamp(patch.last_polled);
    let others = new Map<string, number>();
    if (patch.priority !== undefined && patch.priority !== null && patch.priority !== queue.priority) {
      others = rebalancePriorities(queues, new Map([[queue.id, patch.priority]]));
      set.priority = patch.priority;
      others.delete(queue.id);
    }
    if (Object.keys(set).length === 0) return;
    await trx
      .updateTable("work_queue")
      .set({ ...set, updated: toTimestamp(now) })
      .where("id", "=", queue.id)
      .execute();
    await applyPriorities(trx, others);
  });
}

/** Deletes a queue; the pool's default queue cannot be deleted (409). Its runs stay, unlinked. */
export async function deleteWorkQueue(database: Database, workPoolName: string, name: string): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    const pool = await lockWorkPool(trx, workPoolName);
    const queue = await trx.selectFrom("work_queue").select("id").where("work_pool_id", "=", pool.id).where("name", "=", name).executeTakeFirst();
    if (!queue) throw workQueueNotFound(workPoolName, name);
    if (queue.id === pool.default_queue_id) throw new ConflictError("Can't delete a pool's default queue.");
    await trx.deleteFrom("work_queue").where("id", "=", queue.id).execute();
  });
}
