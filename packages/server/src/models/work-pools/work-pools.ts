import type { Kysely, Transaction } from "kysely";
import type { WorkPool, WorkPoolCountBody, WorkPoolCreate, WorkPoolFilterBody, WorkPoolUpdate } from "@ecsflow/schemas";
import type { Database, DB, WorkPoolTable } from "../../database/index.js";
import { ConflictError, ObjectNotFoundError } from "../../errors.js";
import { newId } from "../../ids.js";
import { toTimestamp } from "../../timestamps.js";
import { resolveLimit } from "../filters/resolve-limit.js";
import { fromBool, toJson } from "../shared/json-columns.js";
import { countPoolActiveSlots } from "./active-slots.js";
import { workPoolFilterCondition } from "./work-pool-filter.js";
import { assertBaseJobTemplateValid, prepareBaseJobTemplate } from "./template.js";
import { assertWorkPoolDeletable, assertWorkPoolNameCreatable, assertWorkPoolUpdatable } from "./names.js";
import { normalizeStorageConfiguration, workPoolFromRow } from "./work-pool-row.js";
import { AGENT_WORK_POOL_TYPE } from "./status.js";
import { workerStatus } from "../workers/status.js";

/** The queue every pool is created with; it cannot be deleted while the pool exists. */
export const DEFAULT_WORK_QUEUE_NAME = "default";

export function workPoolNotFound(name: string): ObjectNotFoundError {
  return new ObjectNotFoundError(`Work pool "${name}" not found.`);
}

/** The stored pool of that name, or Prefect's 404. */
export async function readWorkPoolRow(db: Kysely<DB>, name: string): Promise<WorkPoolTable> {
  const row = await db.selectFrom("work_pool").selectAll().where("name", "=", name).executeTakeFirst();
  if (!row) throw workPoolNotFound(name);
  return row;
}

/**
 * Takes the pool's row lock (PostgreSQL) or the write lock (SQLite) as the first statement of a
 * transaction that reads the pool's queues and then writes them, so that concurrent queue changes
 * of one pool, from any server process, run one after another (priorities stay unique) and a SQLite
 * transaction never has to upgrade a read snapshot to a write. A no-op update changes nothing.
 */
export async function lockWorkPool(trx: Transaction<DB>, name: string): Promise<WorkPoolTable> {
  const row = await trx
    .updateTable("work_pool")
    .set((eb) => ({ name: eb.ref("name") }))
    .where("name", "=", name)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw workPoolNotFound(name);
  return row;
}

/** Creates the pool and its queue "default" (priority 1) in one transaction; 409 when the name is taken. */
export async function createWorkPool(database: Database, input: WorkPoolCreate, now: number = Date.now()): Promise<WorkPool> {
  assertWorkPoolNameCreatable(input.name);
  const ts = toTimestamp(now);
  const row: WorkPoolTable = {
    id: newId(now),
    created: ts,
    updated: ts,
    name: input.name,
    description: input.description ?? null,
    type: input.type ?? AGENT_WORK_POOL_TYPE,
    base_job_template: toJson(prepareBaseJobTemplate(input.type ?? AGENT_WORK_POOL_TYPE, input.base_job_template ?? {})),
    is_paused: fromBool(input.is_paused),
    default_queue_id: newId(now),
    concurrency_limit: input.concurrency_limit ?? null,
    // The status is computed on read (work-pools-status.ts); the column is not used.
    status: null,
    storage_configuration: toJson(normalizeStorageConfiguration(input.storage_configuration)),
  };
  await database.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto("work_pool")
      .values(row)
      .onConflict((oc) => oc.column("name").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) throw new ConflictError("A work pool with this name already exists.");
    await trx
      .insertInto("work_queue")
      .values({
        id: row.default_queue_id as string,
        created: ts,
        updated: ts,
        name: DEFAULT_WORK_QUEUE_NAME,
        description: "The work pool's default queue.",
        is_paused: 0,
        concurrency_limit: null,
        priority: 1,
        work_pool_id: row.id,
        last_polled: null,
        status: "NOT_READY",
      })
      .execute();
  });
  return workPoolFromRow(row, { hasOnlineWorker: false, activeSlots: 0 });
}

/** Rows as the API returns them: two more queries in all (online workers, busy slots), not per pool. */
export async function describeWorkPools(db: Kysely<DB>, rows: WorkPoolTable[], now: number): Promise<WorkPool[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const workers = await db
    .selectFrom("worker")
    .select(["work_pool_id", "last_heartbeat_time", "heartbeat_interval_seconds"])
    .where("work_pool_id", "in", ids)
    .execute();
  const online = new Set(workers.filter((w) => workerStatus(w.last_heartbeat_time, w.heartbeat_interval_seconds, now) === "ONLINE").map((w) => w.work_pool_id));
  const slots = await countPoolActiveSlots(
    db,
    rows.filter((r) => r.concurrency_limit !== null).map((r) => r.id),
  );
  return rows.map((r) => workPoolFromRow(r, { hasOnlineWorker: online.has(r.id), activeSlots: slots.get(r.id) ?? 0 }));
}

export async function readWorkPool(database: Database, name: string, now: number = Date.now()): Promise<WorkPool> {
  const row = await readWorkPoolRow(database.db, name);
  return (await describeWorkPools(database.db, [row], now))[0];
}

/** Pools ordered by name, as Prefect orders them. */
export async function readWorkPools(database: Database, body: WorkPoolFilterBody, now: number = Date.now()): Promise<WorkPool[]> {
  const limit = resolveLimit(body.limit);
  const rows = await database.db
    .selectFrom("work_pool")
    .selectAll()
    .where(workPoolFilterCondition(body.work_pools))
    .orderBy("name")
    .limit(limit)
    .offset(body.offset ?? 0)
    .execute();
  return describeWorkPools(database.db, rows, now);
}

export async function countWorkPools(database: Database, body: WorkPoolCountBody): Promise<number> {
  const row = await database.db
    .selectFrom("work_pool")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where(workPoolFilterCondition(body.work_pools))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Changes the fields that were sent, in one statement. A null clears `description` and
 * `concurrency_limit`; for the fields that cannot be empty (`is_paused`, `base_job_template`,
 * `storage_configuration`) a null means "leave as is".
 */
export async function updateWorkPool(database: Database, name: string, patch: WorkPoolUpdate, now: number = Date.now()): Promise<void> {
  assertWorkPoolUpdatable(name, Object.keys(patch));
  const set: Partial<WorkPoolTable> = {};
  if (patch.description !== undefined) set.description = patch.description;
  if (patch.is_paused !== undefined && patch.is_paused !== null) set.is_paused = fromBool(patch.is_paused);
  if (patch.base_job_template !== undefined && patch.base_job_template !== null) {
    assertBaseJobTemplateValid(patch.base_job_template);
    set.base_job_template = toJson(patch.base_job_template);
  }
  if (patch.concurrency_limit !== undefined) set.concurrency_limit = patch.concurrency_limit;
  if (patch.storage_configuration !== undefined && patch.storage_configuration !== null) {
    set.storage_configuration = toJson(normalizeStorageConfiguration(patch.storage_configuration));
  }
  if (Object.keys(set).length === 0) {
    await readWorkPoolRow(database.db, name);
    return;
  }
  const result = await database.db
    .updateTable("work_pool")
    .set({ ...set, updated: toTimestamp(now) })
    .where("name", "=", name)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw workPoolNotFound(name);
}

/** Deletes the pool with its queues and workers; its runs and deployments keep existing, unlinked. */
export async function deleteWorkPool(database: Database, name: string): Promise<void> {
  assertWorkPoolDeletable(name);
  const result = await database.db.deleteFrom("work_pool").where("name", "=", name).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw workPoolNotFound(name);
}
