import type { Kysely } from "kysely";
import type {
  CountDeploymentsBody,
  Deployment,
  DeploymentCreate,
  DeploymentScheduleUpdate,
  DeploymentUpdate,
  ReadDeploymentsBody,
} from "@ecsflow/schemas";
import type { Database, DB, DeploymentTable } from "../../database/index.js";
import { ConflictError, ObjectNotFoundError, ValidationFailedError } from "../../errors.js";
import { newId } from "../../ids.js";
import { nowTimestamp } from "../../timestamps.js";
import { deploymentFromRow } from "./deployment-row.js";
import { insertSchedules, normalizeSchedule, normalizeSchedules, readSchedules } from "./schedules.js";
import { deploymentsMatching } from "../filters/related-filters.js";
import { fromBool, parseJson, toJson } from "../shared/json-columns.js";
import { enforceParameterSchema } from "./parameter-schema.js";
import { assertJobVariablesFitPool } from "../work-pools/job-variables-for-pool.js";
import { resolveWorkQueue } from "../work-queues/resolve-work-queue.js";
import { deploymentOrder } from "../shared/sort-orders.js";
import { resolveLimit } from "../filters/resolve-limit.js";

type DeploymentColumns = Partial<Omit<DeploymentTable, "id" | "created" | "flow_id" | "name">>;

/** The columns a create or update body sets; fields the client did not send are left out. */
function columnsFrom(input: DeploymentCreate | DeploymentUpdate): DeploymentColumns {
  const c: DeploymentColumns = {};
  const set = <K extends keyof DeploymentColumns>(key: K, value: DeploymentColumns[K] | undefined) => {
    if (value !== undefined) c[key] = value;
  };
  const json = (v: unknown) => (v === undefined ? undefined : v === null ? null : toJson(v));
  set("version", input.version);
  set("description", input.description);
  set("paused", input.paused === undefined ? undefined : fromBool(input.paused));
  set("concurrency_limit", input.concurrency_limit);
  set("concurrency_options", json(input.concurrency_options));
  set("enforce_parameter_schema", input.enforce_parameter_schema === undefined || input.enforce_parameter_schema === null ? undefined : fromBool(input.enforce_parameter_schema));
  set("parameter_openapi_schema", json(input.parameter_openapi_schema));
  set("parameters", input.parameters === undefined || input.parameters === null ? undefined : toJson(input.parameters));
  set("tags", input.tags === undefined ? undefined : toJson(input.tags));
  set("pull_steps", json(input.pull_steps));
  set("work_queue_name", input.work_queue_name);
  set("storage_document_id", input.storage_document_id);
  set("infrastructure_document_id", input.infrastructure_document_id);
  set("path", input.path);
  set("entrypoint", input.entrypoint);
  set("job_variables", input.job_variables === undefined || input.job_variables === null ? undefined : toJson(input.job_variables));
  return c;
}

/** Deployments with their pool names (through their queue) and schedules: two queries for any number. */
async function withDetails(db: Kysely<DB>, rows: (DeploymentTable & { work_pool_name: string | null })[]): Promise<Deployment[]> {
  const schedules = await readSchedules(
    db,
    rows.map((r) => r.id),
  );
  return rows.map(({ work_pool_name, ...row }) => deploymentFromRow(row, schedules.get(row.id) ?? [], work_pool_name));
}

function selectDeployments(db: Kysely<DB>) {
  return db
    .selectFrom("deployment")
    .leftJoin("work_queue", "work_queue.id", "deployment.work_queue_id")
    .leftJoin("work_pool", "work_pool.id", "work_queue.work_pool_id")
    .selectAll("deployment")
    .select("work_pool.name as work_pool_name");
}

export async function readDeployment(db: Kysely<DB>, id: string): Promise<Deployment | undefined> {
  const row = await selectDeployments(db).where("deployment.id", "=", id).executeTakeFirst();
  return row ? (await withDetails(db, [row]))[0] : undefined;
}

export async function readDeploymentByName(db: Kysely<DB>, flowName: string, name: string): Promise<Deployment | undefined> {
  const row = await selectDeployments(db)
    .innerJoin("flow", "flow.id", "deployment.flow_id")
    .where("flow.name", "=", flowName)
    .where("deployment.name", "=", name)
    .executeTakeFirst();
  return row ? (await withDetails(db, [row]))[0] : undefined;
}

export async function readDeployments(database: Database, body: ReadDeploymentsBody): Promise<Deployment[]> {
  let query = selectDeployments(database.db)
    .where(deploymentsMatching(database.engine, body))
    .limit(resolveLimit(body.limit))
    .offset(body.offset ?? 0);
  for (const term of deploymentOrder(body.sort)) query = query.orderBy(term);
  return withDetails(database.db, await query.execute());
}

export async function countDeployments(database: Database, body: CountDeploymentsBody): Promise<number> {
  const row = await database.db
    .selectFrom("deployment")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where(deploymentsMatching(database.engine, body))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Prefect keeps no global concurrency limits here, so naming one can only fail as Prefect fails for a missing one. */
function checkGlobalConcurrencyLimit(id: string | null | undefined): void {
  if (id) throw new ObjectNotFoundError("Concurrency limit not found");
}

/**
 * Deletes a deployment's runs that are SCHEDULED and never ran, as Prefect does whenever a
 * deployment changes or goes: the scheduler recreates them from the new definition.
 */
async function deleteScheduledRuns(db: Kysely<DB>, deploymentId: string, options: { autoScheduledOnly: boolean; futureOnly: boolean }): Promise<void> {
  let query = db
    .deleteFrom("flow_run")
    .where("deployment_id", "=", deploymentId)
    .where("state_type", "=", "SCHEDULED")
    .where("state_name", "<>", "AwaitingConcurrencySlot")
    .where("run_count", "=", 0);
  if (options.autoScheduledOnly) query = query.where("auto_scheduled", "=", 1);
  if (options.futureOnly) query = query.where("next_scheduled_start_time", ">", nowTimestamp());
  await query.execute();
}

/**
 * Creates a deployment, or updates the one with the same flow and name (Prefect's upsert: only
 * the fields sent change, the schedules are replaced). A pool is resolved by name (404 if
 * missing) and a missing queue in it is created. Without a pool the deployment keeps its queue
 * name only and no worker will pick up its runs; Prefect would route it to its default agent pool.
 */
export async function createDeployment(database: Database, input: DeploymentCreate): Promise<{ deployment: Deployment; created: boolean }> {
  checkGlobalConcurrencyLimit(input.global_concurrency_limit_id);
  const schedules = normalizeSchedules(input.schedules ?? [], ["body", "schedules"]);
  return database.db.transaction().execute(async (trx) => {
    const flow = await trx.selectFrom("flow").select(["id", "labels"]).where("id", "=", input.flow_id).executeTakeFirst();
    if (!flow) throw new ConflictError(`Data integrity conflict: flow_id ${input.flow_id} does not name an existing flow.`);
    const columns = columnsFrom(input);
    if (input.work_pool_name) {
      const route = await resolveWorkQueue(trx, input.work_pool_name, input.work_queue_name, { createQueue: true });
      columns.work_queue_id = route.work_queue_id;
      columns.work_queue_name = route.work_queue_name;
      await assertJobVariablesFitPool(trx, route.work_pool_id, input.job_variables, { ignoreRequired: true });
    }
    // Prefect: the flow's labels, then the system label, then the client's.
    columns.labels = toJson({ ...parseJson(flow.labels, {}), "prefect.flow.id": input.flow_id, ...(input.labels ?? {}) });
    const now = nowTimestamp();
    columns.updated = now;
    const id = newId();
    const inserted = await trx
      .insertInto("deployment")
      .values({
        id,
        created: now,
        updated: now,
        name: input.name,
        flow_id: input.flow_id,
        version: null,
        description: null,
        tags: "[]",
        labels: "{}",
        parameters: "{}",
        parameter_openapi_schema: null,
        enforce_parameter_schema: 1,
        job_variables: "{}",
        work_queue_id: null,
        work_queue_name: null,
        entrypoint: null,
        path: null,
        pull_steps: null,
        storage_document_id: null,
        infrastructure_document_id: null,
        paused: 0,
        status: "NOT_READY",
        concurrency_limit: null,
        concurrency_options: null,
        last_polled: null,
        created_by: null,
        updated_by: null,
        ...columns,
      })
      .onConflict((oc) => oc.columns(["flow_id", "name"]).doUpdateSet(columns))
      .returning("id")
      .executeTakeFirstOrThrow();
    await deleteScheduledRuns(trx, inserted.id, { autoScheduledOnly: true, futureOnly: true });
    await trx.deleteFrom("deployment_schedule").where("deployment_id", "=", inserted.id).execute();
    await insertSchedules(trx, inserted.id, schedules);
    const deployment = await readDeployment(trx, inserted.id);
    if (!deployment) throw new ObjectNotFoundError("Deployment not found");
    return { deployment, created: inserted.id === id };
  });
}

/**
 * Applies a PATCH's schedules as Prefect does: when every existing and every given schedule has
 * a slug, schedules are updated or added by slug (others stay); otherwise all are replaced.
 */
async function updateSchedules(db: Kysely<DB>, deploymentId: string, given: DeploymentScheduleUpdate[]): Promise<void> {
  const existing = await db.selectFrom("deployment_schedule").select(["id", "slug"]).where("deployment_id", "=", deploymentId).execute();
  const allGivenSlugged = given.every((s) => s.slug);
  const allExistingSlugged = existing.length > 0 && existing.every((s) => s.slug);
  const loc = (i: number, key?: string) => ["body", "schedules", i, ...(key ? [key] : [])];
  if (allExistingSlugged && !allGivenSlugged) {
    throw new ValidationFailedError("Please provide a slug for each schedule in your request to ensure schedules are updated correctly.", [
      { loc: ["body", "schedules"], msg: "Please provide a slug for each schedule in your request to ensure schedules are updated correctly." },
    ]);
  }
  const bySlug = new Map(existing.map((s) => [s.slug, s.id]));
  const targeted = allGivenSlugged && allExistingSlugged;
  const now = nowTimestamp();
  if (!targeted) await db.deleteFrom("deployment_schedule").where("deployment_id", "=", deploymentId).execute();
  for (const [i, s] of given.entries()) {
    const target = s.replaces ?? s.slug ?? undefined;
    const existingId = targeted && target ? bySlug.get(target) : undefined;
    const schedule = s.schedule ? normalizeSchedule(s.schedule, loc(i, "schedule")) : undefined;
    if (existingId) {
      await db
        .updateTable("deployment_schedule")
        .set({
          updated: now,
          ...(schedule ? { schedule: toJson(schedule) } : {}),
          ...(s.active !== undefined && s.active !== null ? { active: fromBool(s.active) } : {}),
          ...(s.max_scheduled_runs !== undefined ? { max_scheduled_runs: s.max_scheduled_runs } : {}),
          ...(s.parameters !== undefined ? { parameters: toJson(s.parameters) } : {}),
          ...(s.slug !== undefined ? { slug: s.slug } : {}),
        })
        .where("id", "=", existingId)
        .execute();
      continue;
    }
    if (!schedule) {
      throw new ValidationFailedError("Unable to create new deployment schedules without a schedule configuration.", [
        { loc: loc(i, "schedule"), msg: "Unable to create new deployment schedules without a schedule configuration." },
      ]);
    }
    await insertSchedules(db, deploymentId, [{ schedule, active: s.active ?? true, max_scheduled_runs: s.max_scheduled_runs, parameters: s.parameters, slug: s.slug }]);
  }
}

/** PATCH: only the fields sent change. @returns false when there is no such deployment. */
export async function updateDeployment(database: Database, id: string, input: DeploymentUpdate): Promise<boolean> {
  checkGlobalConcurrencyLimit(input.global_concurrency_limit_id);
  return database.db.transaction().execute(async (trx) => {
    const existing = await selectDeployments(trx).where("deployment.id", "=", id).executeTakeFirst();
    if (!existing) return false;
    const columns = columnsFrom(input);
    let poolId: string | null = null;
    if (input.work_pool_name) {
      const route = await resolveWorkQueue(trx, input.work_pool_name, input.work_queue_name, { createQueue: true });
      columns.work_queue_id = route.work_queue_id;
      columns.work_queue_name = route.work_queue_name;
      poolId = route.work_pool_id;
    } else if (input.work_pool_name === null) {
      // An explicit null takes the deployment out of its pool (Prefect: switching to `serve`).
      columns.work_queue_id = null;
    } else if (input.work_queue_name && existing.work_pool_name) {
      // A new queue name alone stays in the deployment's pool.
      const route = await resolveWorkQueue(trx, existing.work_pool_name, input.work_queue_name, { createQueue: true });
      columns.work_queue_id = route.work_queue_id;
      columns.work_queue_name = route.work_queue_name;
    }
    if (input.job_variables && input.work_pool_name !== null) {
      poolId ??= existing.work_pool_name
        ? ((await trx.selectFrom("work_pool").select("id").where("name", "=", existing.work_pool_name).executeTakeFirst())?.id ?? null)
        : null;
      await assertJobVariablesFitPool(trx, poolId, input.job_variables, { ignoreRequired: true });
    }
    const enforce = input.enforce_parameter_schema ?? existing.enforce_parameter_schema === 1;
    const schema = input.parameter_openapi_schema ?? parseJson<Record<string, unknown> | null>(existing.parameter_openapi_schema, null);
    if (enforce && schema && input.parameters) {
      enforceParameterSchema(schema, input.parameters, { action: "updating deployment", ignoreRequired: true });
    }
    if (input.schedules !== undefined) await updateSchedules(trx, id, input.schedules);
    await trx
      .updateTable("deployment")
      .set({ ...columns, updated: nowTimestamp() })
      .where("id", "=", id)
      .execute();
    return true;
  });
}

/** Deletes a deployment and its runs that never left SCHEDULED; other runs keep their history. */
export async function deleteDeployment(database: Database, id: string): Promise<boolean> {
  return database.db.transaction().execute(async (trx) => {
    await deleteScheduledRuns(trx, id, { autoScheduledOnly: false, futureOnly: false });
    const result = await trx.deleteFrom("deployment").where("id", "=", id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  });
}
