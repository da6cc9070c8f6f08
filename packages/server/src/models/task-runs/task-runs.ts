import type { CountTaskRunsBody, ReadTaskRunsBody, TaskRun, TaskRunCreate } from "@ecsflow/schemas";
import type { Database, TaskRunTable } from "../../database/index.js";
import { ConflictError } from "../../errors.js";
import { newId } from "../../ids.js";
import { initialStateColumns, stateHistoryRow } from "../../orchestration/set-run-state.js";
import { normalizeTimestamp, toTimestamp } from "../../timestamps.js";
import { isForeignKeyViolation } from "../shared/constraint-errors.js";
import { taskRunsMatching } from "../filters/related-filters.js";
import { parseJson, toJson } from "../shared/json-columns.js";
import { generateRunName } from "../flow-runs/run-names.js";
import { taskRunOrder } from "../shared/sort-orders.js";
import { taskRunFromRow } from "./task-run-row.js";
import { resolveLimit } from "../filters/resolve-limit.js";

export async function readTaskRun(database: Database, id: string): Promise<TaskRun | undefined> {
  const row = await database.db.selectFrom("task_run").selectAll().where("id", "=", id).executeTakeFirst();
  return row && taskRunFromRow(row);
}

function readByKey(database: Database, flowRunId: string | null, taskKey: string, dynamicKey: string) {
  const query = database.db.selectFrom("task_run").selectAll().where("task_key", "=", taskKey).where("dynamic_key", "=", dynamicKey);
  return (flowRunId ? query.where("flow_run_id", "=", flowRunId) : query.where("flow_run_id", "is", null)).executeTakeFirst();
}

/**
 * `POST /task_runs/`: idempotent on (flow run, task key, dynamic key) as in Prefect: a repeat
 * returns the existing run (`created: false`). PENDING unless the body gives a state; labels
 * are the flow run's, the system label, then the client's.
 */
export async function createTaskRun(database: Database, body: TaskRunCreate): Promise<{ taskRun: TaskRun; created: boolean }> {
  const flowRunId = body.flow_run_id ?? null;
  let labels: Record<string, string | number | boolean> = {};
  if (flowRunId) {
    const flowRun = await database.db.selectFrom("flow_run").select("labels").where("id", "=", flowRunId).executeTakeFirst();
    if (!flowRun) throw new ConflictError(`Data integrity conflict: flow_run_id ${flowRunId} does not name an existing flow run.`);
    labels = { ...parseJson(flowRun.labels, {}), "prefect.flow-run.id": flowRunId };
  } else {
    // Task runs outside a flow run (Prefect's background tasks) are deduplicated by key alone.
    const existing = await readByKey(database, null, body.task_key, body.dynamic_key);
    if (existing) return { taskRun: taskRunFromRow(existing), created: false };
  }
  const now = Date.now();
  const created = toTimestamp(now);
  const row: TaskRunTable = {
    id: body.id ?? newId(now),
    created,
    updated: created,
    name: body.name ?? generateRunName(),
    state_id: null,
    state_type: null,
    state_name: null,
    state_timestamp: null,
    state: null,
    empirical_policy: toJson(body.empirical_policy ?? {}),
    tags: toJson(body.tags ?? []),
    labels: toJson({ ...labels, ...(body.labels ?? {}) }),
    run_count: 0,
    expected_start_time: null,
    next_scheduled_start_time: null,
    start_time: null,
    end_time: null,
    total_run_time: 0,
    estimated_run_time: 0,
    flow_run_id: flowRunId,
    task_key: body.task_key,
    dynamic_key: body.dynamic_key,
    cache_key: body.cache_key ?? null,
    cache_expiration: body.cache_expiration ? normalizeTimestamp(body.cache_expiration) : null,
    task_version: body.task_version ?? null,
    task_inputs: toJson(body.task_inputs ?? {}),
    flow_run_run_count: 0,
  };
  const initial = initialStateColumns("task_run", row, body.state ?? { type: "PENDING" }, now);
  const complete = { ...row, ...initial.columns } as TaskRunTable;
  let inserted: boolean;
  try {
    inserted = await database.db.transaction().execute(async (trx) => {
      // No conflict target: a repeated key and a repeated client-chosen id both insert nothing.
      const result = await trx.insertInto("task_run").values(complete).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await trx.insertInto("task_run_state").values(stateHistoryRow(row.id, initial.state)).execute();
      return true;
    });
  } catch (error) {
    if (isForeignKeyViolation(error)) throw new ConflictError("Data integrity conflict: the task run's flow run no longer exists.");
    throw error;
  }
  if (inserted) return { taskRun: taskRunFromRow(complete), created: true };
  const existing = await readByKey(database, flowRunId, body.task_key, body.dynamic_key);
  if (!existing) throw new ConflictError(`Data integrity conflict: a task run with id ${row.id} already exists with another task key.`);
  return { taskRun: taskRunFromRow(existing), created: false };
}

export async function readTaskRuns(database: Database, body: ReadTaskRunsBody): Promise<TaskRun[]> {
  let query = database.db
    .selectFrom("task_run")
    .selectAll()
    .where(taskRunsMatching(database.engine, body))
    .limit(resolveLimit(body.limit))
    .offset(body.offset ?? 0);
  for (const term of taskRunOrder(body.sort)) query = query.orderBy(term);
  const now = Date.now();
  return (await query.execute()).map((row) => taskRunFromRow(row, now));
}

export async function countTaskRuns(database: Database, body: CountTaskRunsBody): Promise<number> {
  const row = await database.db
    .selectFrom("task_run")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where(taskRunsMatching(database.engine, body))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
