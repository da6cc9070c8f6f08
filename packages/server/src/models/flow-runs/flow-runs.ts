import { sql } from "kysely";
import type { CountFlowRunsBody, FlowRun, FlowRunUpdate, ReadFlowRunsBody } from "@ecsflow/schemas";
import type { Database, FlowRunTable } from "../../database/index.js";
import { ObjectNotFoundError, ValidationFailedError } from "../../errors.js";
import { nowTimestamp } from "../../timestamps.js";
import { flowRunsMatching } from "../filters/related-filters.js";
import { flowRunFromRow } from "./flow-run-row.js";
import { toJson } from "../shared/json-columns.js";
import { flowRunOrder } from "../shared/sort-orders.js";
import { resolveLimit } from "../filters/resolve-limit.js";
import { assertJobVariablesFitPool } from "../work-pools/job-variables-for-pool.js";

export async function readFlowRun(database: Database, id: string): Promise<FlowRun | undefined> {
  const row = await database.db.selectFrom("flow_run").selectAll().where("id", "=", id).executeTakeFirst();
  return row && flowRunFromRow(row);
}

export async function readFlowRuns(database: Database, body: ReadFlowRunsBody): Promise<FlowRun[]> {
  let query = database.db
    .selectFrom("flow_run")
    .selectAll()
    .where(flowRunsMatching(database.engine, body))
    .limit(resolveLimit(body.limit))
    .offset(body.offset ?? 0);
  for (const term of flowRunOrder(body.sort)) query = query.orderBy(term);
  const now = Date.now();
  return (await query.execute()).map((row) => flowRunFromRow(row, now));
}

export async function countFlowRuns(database: Database, body: CountFlowRunsBody): Promise<number> {
  const row = await database.db
    .selectFrom("flow_run")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where(flowRunsMatching(database.engine, body))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

function jobVariablesRefused(msg: string): never {
  throw new ValidationFailedError(msg, [{ loc: ["body", "job_variables"], msg }]);
}

/**
 * PATCH: only the fields sent change. As in Prefect, job variables can change only while the
 * run is SCHEDULED and only for a run of a deployment; the state condition is part of the
 * update itself, so a run claimed meanwhile keeps the job variables it was claimed with.
 * @returns false when there is no such run.
 */
export async function updateFlowRun(database: Database, id: string, body: FlowRunUpdate): Promise<boolean> {
  const columns: Partial<FlowRunTable> = { updated: nowTimestamp() };
  if (body.name) columns.name = body.name;
  if (body.flow_version !== undefined) columns.flow_version = body.flow_version;
  if (body.parameters !== undefined) columns.parameters = toJson(body.parameters);
  if (body.empirical_policy !== undefined) columns.empirical_policy = toJson(body.empirical_policy);
  if (body.tags !== undefined) columns.tags = toJson(body.tags);
  if (body.infrastructure_pid !== undefined) columns.infrastructure_pid = body.infrastructure_pid;
  const changesJobVariables = body.job_variables !== undefined && body.job_variables !== null;
  if (changesJobVariables) {
    columns.job_variables = toJson(body.job_variables);
    const run = await database.db.selectFrom("flow_run").select("work_pool_id").where("id", "=", id).executeTakeFirst();
    if (run) await assertJobVariablesFitPool(database.db, run.work_pool_id, body.job_variables, { ignoreRequired: true });
  }

  let update = database.db.updateTable("flow_run").set(columns).where("id", "=", id);
  if (changesJobVariables) update = update.where("state_type", "=", "SCHEDULED").where("deployment_id", "is not", null);
  const result = await update.executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return true;
  if (!changesJobVariables) return false;

  const run = await database.db.selectFrom("flow_run").select(["state_type", "deployment_id"]).where("id", "=", id).executeTakeFirst();
  if (!run) return false;
  if (!run.state_type) jobVariablesRefused("Flow run state is required to update job variables but none exists");
  if (run.state_type !== "SCHEDULED") jobVariablesRefused(`Job variables for a flow run in state ${run.state_type} cannot be updated`);
  jobVariablesRefused("A deployment for the flow run could not be found");
}

/** Deletes a run with its states and task runs (cascade) and its logs. */
export async function deleteFlowRun(database: Database, id: string): Promise<boolean> {
  const result = await database.db.deleteFrom("flow_run").where("id", "=", id).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) return false;
  // Logs have no foreign key (they may arrive before their run); Prefect deletes them after the run too.
  await database.db.deleteFrom("log").where("flow_run_id", "=", id).execute();
  return true;
}

/** Merges labels into a run's labels in one statement, so concurrent merges do not lose each other's keys. */
export async function mergeFlowRunLabels(database: Database, id: string, labels: Record<string, unknown>): Promise<void> {
  const patch = toJson(labels);
  const merged = database.engine === "postgresql" ? sql<string>`((labels)::jsonb || ${patch}::jsonb)::text` : sql<string>`json_patch(labels, ${patch})`;
  const result = await database.db.updateTable("flow_run").set({ labels: merged, updated: nowTimestamp() }).where("id", "=", id).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new ObjectNotFoundError(`Flow run with id ${id} not found`);
}
