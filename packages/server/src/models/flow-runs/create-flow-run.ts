import type { Kysely } from "kysely";
import type { DeploymentFlowRunCreate, FlowRun, FlowRunCreate, StateCreate } from "@ecsflow/schemas";
import type { Database, DB, FlowRunTable } from "../../database/index.js";
import { ConflictError, ObjectNotFoundError, ValidationFailedError } from "../../errors.js";
import { newId } from "../../ids.js";
import { initialStateColumns, stateHistoryRow } from "../../orchestration/set-run-state.js";
import { runEventFrom, runEventsFor } from "../../events/run-events.js";
import { toTimestamp } from "../../timestamps.js";
import { isForeignKeyViolation } from "../shared/constraint-errors.js";
import { flowRunFromRow } from "./flow-run-row.js";
import { parseJson, toJson } from "../shared/json-columns.js";
import { enforceParameterSchema } from "../deployments/parameter-schema.js";
import { assertJobVariablesFitPool } from "../work-pools/job-variables-for-pool.js";
import { resolveWorkQueue, type QueueRoute } from "../work-queues/resolve-work-queue.js";
import { newFlowRunRow } from "./new-flow-run-row.js";
import { recordTransition } from "../../metrics/record-transition.js";
import { traceFlowRunCreated } from "../../tracing/flow-run-spans.js";

type Labels = Record<string, string | number | boolean>;

/**
 * Inserts a run with its first state in one transaction. With an idempotency key, a second
 * create for the same flow and key inserts nothing and returns the first run (`created: false`),
 * as Prefect does; the unique index decides, so racing creates also get one run.
 */
async function insertFlowRun(database: Database, row: FlowRunTable, state: StateCreate): Promise<{ flowRun: FlowRun; created: boolean }> {
  const now = Date.parse(row.created);
  const initial = initialStateColumns("flow_run", row, state, now);
  const complete = { ...row, ...initial.columns } as FlowRunTable;
  let created: boolean;
  try {
    created = await database.db.transaction().execute(async (trx) => {
      const insert = trx.insertInto("flow_run").values(complete);
      const result = await (row.idempotency_key ? insert.onConflict((oc) => oc.columns(["flow_id", "idempotency_key"]).doNothing()) : insert).executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await trx.insertInto("flow_run_state").values(stateHistoryRow(row.id, initial.state)).execute();
      return true;
    });
  } catch (error) {
    // The flow or deployment was deleted between our check and the insert.
    if (isForeignKeyViolation(error)) throw new ConflictError("Data integrity conflict: the flow run's flow or deployment no longer exists.");
    throw error;
  }
  const stored = created
    ? complete
    : await database.db.selectFrom("flow_run").selectAll().where("flow_id", "=", row.flow_id).where("idempotency_key", "=", row.idempotency_key).executeTakeFirst();
  if (!stored) throw new ConflictError("Data integrity conflict: the flow run with this idempotency key was deleted while it was created.");
  if (created) {
    runEventsFor(database).publish(runEventFrom("flow_run", complete, complete.created));
    recordTransition(database, "flow_run", complete, null, initial.state.type, now);
    traceFlowRunCreated(complete, initial.state.type, now);
  }
  return { flowRun: flowRunFromRow(stored), created };
}

/** The routing columns of a run; null where it has no pool or queue. */
type RunRoute = { [K in keyof QueueRoute]?: QueueRoute[K] | null };

async function routeFor(db: Kysely<DB>, poolName: string | null | undefined, queueName: string | null | undefined, createQueue: boolean): Promise<RunRoute> {
  if (poolName) return resolveWorkQueue(db, poolName, queueName, { createQueue });
  return queueName ? { work_queue_name: queueName } : {};
}

/**
 * `POST /flow_runs/`: a run of a flow, PENDING unless the body gives a state. Labels are the
 * flow's (or, for the deprecated `deployment_id`, the deployment's), Prefect's system labels,
 * then the client's.
 */
export async function createFlowRun(database: Database, body: FlowRunCreate): Promise<{ flowRun: FlowRun; created: boolean }> {
  const flow = await database.db.selectFrom("flow").select("labels").where("id", "=", body.flow_id).executeTakeFirst();
  if (!flow) throw new ConflictError(`Data integrity conflict: flow_id ${body.flow_id} does not name an existing flow.`);
  let labels: Labels = { ...parseJson<Labels>(flow.labels, {}), "prefect.flow.id": body.flow_id };
  if (body.deployment_id) {
    const deployment = await database.db.selectFrom("deployment").select("labels").where("id", "=", body.deployment_id).executeTakeFirst();
    if (!deployment) throw new ConflictError(`Data integrity conflict: deployment_id ${body.deployment_id} does not name an existing deployment.`);
    labels = { ...parseJson<Labels>(deployment.labels, {}), "prefect.flow.id": body.flow_id, "prefect.deployment.id": body.deployment_id };
  }
  const route = await routeFor(database.db, body.work_pool_name, body.work_queue_name, false);
  await assertJobVariablesFitPool(database.db, route.work_pool_id, body.job_variables, { ignoreRequired: true });
  const now = Date.now();
  const row = newFlowRunRow(newId(now), toTimestamp(now), {
    flow_id: body.flow_id,
    ...(body.name ? { name: body.name } : {}),
    flow_version: body.flow_version ?? null,
    deployment_id: body.deployment_id ?? null,
    parameters: toJson(body.parameters ?? {}),
    context: toJson(body.context ?? {}),
    parent_task_run_id: body.parent_task_run_id ?? null,
    infrastructure_document_id: body.infrastructure_document_id ?? null,
    empirical_policy: toJson(body.empirical_policy ?? {}),
    tags: toJson(body.tags ?? []),
    labels: toJson({ ...labels, ...(body.labels ?? {}) }),
    idempotency_key: body.idempotency_key ?? null,
    job_variables: toJson(body.job_variables ?? {}),
    ...route,
  });
  return insertFlowRun(database, row, body.state ?? { type: "PENDING" });
}

/**
 * `POST /deployments/{id}/create_flow_run`: a run of the deployment, SCHEDULED for now unless
 * the body gives a state. It takes the deployment's parameters (the body's win), tags (merged),
 * job variables (the body's win), queue and pool; the parameters are checked against the
 * deployment's parameter schema when it has one and enforcement is on.
 */
export async function createFlowRunFromDeployment(database: Database, deploymentId: string, body: DeploymentFlowRunCreate): Promise<{ flowRun: FlowRun; created: boolean }> {
  const deployment = await database.db
    .selectFrom("deployment")
    .leftJoin("work_queue", "work_queue.id", "deployment.work_queue_id")
    .leftJoin("work_pool", "work_pool.id", "work_queue.work_pool_id")
    .selectAll("deployment")
    .select(["work_pool.id as pool_id", "work_pool.name as pool_name"])
    .where("deployment.id", "=", deploymentId)
    .executeTakeFirst();
  if (!deployment) throw new ObjectNotFoundError("Deployment not found");

  const parameters = { ...parseJson<Record<string, unknown>>(deployment.parameters, {}), ...(body.parameters ?? {}) };
  const enforce = body.enforce_parameter_schema ?? deployment.enforce_parameter_schema === 1;
  const schema = parseJson<Record<string, unknown> | null>(deployment.parameter_openapi_schema, null);
  if (enforce && schema) enforceParameterSchema(schema, parameters, { action: "creating flow run" });

  let route: RunRoute = {
    work_queue_id: deployment.work_queue_id,
    work_queue_name: deployment.work_queue_name,
    work_pool_id: deployment.pool_id,
    work_pool_name: deployment.pool_name,
  };
  if (body.work_queue_name) {
    if (!deployment.pool_name) {
      const msg = `Cannot create flow run in work queue ${body.work_queue_name} because deployment ${deploymentId} is not associated with a work pool.`;
      throw new ValidationFailedError(msg, [{ loc: ["body", "work_queue_name"], msg }]);
    }
    route = await resolveWorkQueue(database.db, deployment.pool_name, body.work_queue_name, { createQueue: true });
  }

  const jobVariables = { ...parseJson<Record<string, unknown>>(deployment.job_variables, {}), ...(body.job_variables ?? {}) };
  // The run is what a worker will render: its merged variables must satisfy the pool, required ones included.
  await assertJobVariablesFitPool(database.db, route.work_pool_id, jobVariables, { ignoreRequired: false });

  const tags = [...new Set([...parseJson<string[]>(deployment.tags, []), ...(body.tags ?? [])])];
  const labels = {
    ...parseJson<Labels>(deployment.labels, {}),
    "prefect.flow.id": deployment.flow_id,
    "prefect.deployment.id": deployment.id,
    ...(body.labels ?? {}),
  };
  const now = Date.now();
  const row = newFlowRunRow(newId(now), toTimestamp(now), {
    flow_id: deployment.flow_id,
    ...(body.name ? { name: body.name } : {}),
    deployment_id: deployment.id,
    deployment_version: deployment.version,
    parameters: toJson(parameters),
    context: toJson(body.context ?? {}),
    parent_task_run_id: body.parent_task_run_id ?? null,
    infrastructure_document_id: body.infrastructure_document_id ?? deployment.infrastructure_document_id,
    empirical_policy: toJson(body.empirical_policy ?? {}),
    tags: toJson(tags),
    labels: toJson(labels),
    idempotency_key: body.idempotency_key ?? null,
    job_variables: toJson(jobVariables),
    ...route,
  });
  return insertFlowRun(database, row, body.state ?? { type: "SCHEDULED" });
}
