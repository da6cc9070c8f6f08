import type { ConcurrencyOptions, Deployment, DeploymentSchedule } from "@ecsflow/schemas";
import type { DeploymentTable } from "../../database/index.js";
import { parseJson, toBool } from "../shared/json-columns.js";

/** A stored deployment as the API returns it; the pool name comes from a join, the schedules from their table. */
export function deploymentFromRow(row: DeploymentTable, schedules: DeploymentSchedule[], workPoolName: string | null): Deployment {
  return {
    id: row.id,
    created: row.created,
    updated: row.updated,
    name: row.name,
    version: row.version,
    description: row.description,
    flow_id: row.flow_id,
    paused: toBool(row.paused),
    schedules,
    concurrency_limit: row.concurrency_limit,
    global_concurrency_limit: null,
    concurrency_options: parseJson<ConcurrencyOptions | null>(row.concurrency_options, null),
    job_variables: parseJson(row.job_variables, {}),
    parameters: parseJson(row.parameters, {}),
    tags: parseJson(row.tags, []),
    labels: parseJson(row.labels, {}),
    work_queue_name: row.work_queue_name,
    work_queue_id: row.work_queue_id,
    last_polled: row.last_polled,
    parameter_openapi_schema: parseJson(row.parameter_openapi_schema, null),
    path: row.path,
    pull_steps: parseJson(row.pull_steps, null),
    entrypoint: row.entrypoint,
    storage_document_id: row.storage_document_id,
    infrastructure_document_id: row.infrastructure_document_id,
    created_by: parseJson(row.created_by, null),
    updated_by: parseJson(row.updated_by, null),
    work_pool_name: workPoolName,
    status: row.status === "READY" ? "READY" : "NOT_READY",
    enforce_parameter_schema: toBool(row.enforce_parameter_schema),
  };
}
