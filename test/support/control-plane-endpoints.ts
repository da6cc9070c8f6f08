// The endpoints of the control-plane issue, as Prefect's OpenAPI file spells them, with the status
// Prefect's server answers on success and the response body's component. The server team's
// contract tests walk this table so that every endpoint has one; test/support/openapi-contract.test.ts
// checks each row against the file.
//
// `response`: a component name (`Flow`), `Name[]` for a list of them, `integer` / `boolean` /
// `string` for a bare JSON value, `any` for a body the file leaves open (`{}`), `none` for no body.
// `status` is the usual success; `alsoStatus` the other success Prefect answers, from its route
// code (prefect/server/api/*.py) and reference/prefect-server-behaviour.md:
// - POST /flows/, /deployments/: 201 when created, 200 when the name already existed (upsert).
// - POST /flow_runs/, /task_runs/: 201 when created, 200 when the idempotency key matched.
// - set_state: 201 when the proposed state was written (ACCEPT), 200 otherwise (REJECT, WAIT,
//   ABORT; an ABORT can be 201 in a race, see prefect-server-behaviour.md).
// - GET /csrf-token answers 422 "CSRF protection is disabled." unless the server enables it.

import type { HttpMethod } from "./openapi-contract.js";

export interface ContractEndpoint {
  method: HttpMethod;
  /** Relative to /api, spelled as in the OpenAPI file (`{work_pool_name}`, trailing `/`). */
  path: string;
  status: number;
  alsoStatus?: number;
  response: string;
}

export const CONTROL_PLANE_ENDPOINTS: readonly ContractEndpoint[] = [
  // admin
  { method: "GET", path: "/health", status: 200, response: "boolean" },
  { method: "GET", path: "/ready", status: 200, response: "any" },
  { method: "GET", path: "/version", status: 200, response: "string" },
  { method: "GET", path: "/admin/version", status: 200, response: "string" },
  { method: "GET", path: "/csrf-token", status: 200, response: "CsrfToken" },
  // flows
  { method: "POST", path: "/flows/", status: 201, alsoStatus: 200, response: "Flow" },
  { method: "GET", path: "/flows/{id}", status: 200, response: "Flow" },
  { method: "GET", path: "/flows/name/{name}", status: 200, response: "Flow" },
  { method: "POST", path: "/flows/filter", status: 200, response: "Flow[]" },
  { method: "POST", path: "/flows/count", status: 200, response: "integer" },
  { method: "PATCH", path: "/flows/{id}", status: 204, response: "none" },
  { method: "DELETE", path: "/flows/{id}", status: 204, response: "none" },
  // deployments
  { method: "POST", path: "/deployments/", status: 201, alsoStatus: 200, response: "DeploymentResponse" },
  { method: "GET", path: "/deployments/{id}", status: 200, response: "DeploymentResponse" },
  { method: "GET", path: "/deployments/name/{flow_name}/{deployment_name}", status: 200, response: "DeploymentResponse" },
  { method: "PATCH", path: "/deployments/{id}", status: 204, response: "none" },
  { method: "DELETE", path: "/deployments/{id}", status: 204, response: "none" },
  { method: "POST", path: "/deployments/filter", status: 200, response: "DeploymentResponse[]" },
  { method: "POST", path: "/deployments/{id}/create_flow_run", status: 201, response: "FlowRunResponse" },
  { method: "POST", path: "/deployments/count", status: 200, response: "integer" },
  { method: "POST", path: "/deployments/{id}/schedules", status: 201, response: "DeploymentSchedule[]" },
  { method: "GET", path: "/deployments/{id}/schedules", status: 200, response: "DeploymentSchedule[]" },
  { method: "PATCH", path: "/deployments/{id}/schedules/{schedule_id}", status: 204, response: "none" },
  { method: "DELETE", path: "/deployments/{id}/schedules/{schedule_id}", status: 204, response: "none" },
  // flow runs
  { method: "POST", path: "/flow_runs/", status: 201, alsoStatus: 200, response: "FlowRunResponse" },
  { method: "GET", path: "/flow_runs/{id}", status: 200, response: "FlowRunResponse" },
  { method: "PATCH", path: "/flow_runs/{id}", status: 204, response: "none" },
  { method: "DELETE", path: "/flow_runs/{id}", status: 204, response: "none" },
  { method: "POST", path: "/flow_runs/filter", status: 200, response: "FlowRunResponse[]" },
  { method: "POST", path: "/flow_runs/count", status: 200, response: "integer" },
  { method: "POST", path: "/flow_runs/history", status: 200, response: "HistoryResponse[]" },
  { method: "POST", path: "/flow_runs/{id}/set_state", status: 201, alsoStatus: 200, response: "OrchestrationResult" },
  { method: "PATCH", path: "/flow_runs/{id}/labels", status: 204, response: "none" },
  // resume: 201 when the run went on (as set_state), 200 when refused
  { method: "POST", path: "/flow_runs/{id}/resume", status: 201, alsoStatus: 200, response: "OrchestrationResult" },
  // task runs
  { method: "POST", path: "/task_runs/", status: 201, alsoStatus: 200, response: "TaskRun" },
  { method: "GET", path: "/task_runs/{id}", status: 200, response: "TaskRun" },
  { method: "POST", path: "/task_runs/filter", status: 200, response: "TaskRun[]" },
  { method: "POST", path: "/task_runs/{id}/set_state", status: 201, alsoStatus: 200, response: "OrchestrationResult" },
  { method: "POST", path: "/task_runs/count", status: 200, response: "integer" },
  // work pools
  { method: "POST", path: "/work_pools/", status: 201, response: "WorkPoolResponse" },
  { method: "GET", path: "/work_pools/{name}", status: 200, response: "WorkPoolResponse" },
  { method: "PATCH", path: "/work_pools/{name}", status: 204, response: "none" },
  { method: "DELETE", path: "/work_pools/{name}", status: 204, response: "none" },
  { method: "POST", path: "/work_pools/filter", status: 200, response: "WorkPoolResponse[]" },
  { method: "POST", path: "/work_pools/count", status: 200, response: "integer" },
  { method: "POST", path: "/work_pools/{name}/get_scheduled_flow_runs", status: 200, response: "WorkerFlowRunResponse[]" },
  // work queues
  { method: "POST", path: "/work_pools/{work_pool_name}/queues", status: 201, response: "WorkQueueResponse" },
  { method: "GET", path: "/work_pools/{work_pool_name}/queues/{name}", status: 200, response: "WorkQueueResponse" },
  { method: "PATCH", path: "/work_pools/{work_pool_name}/queues/{name}", status: 204, response: "none" },
  { method: "DELETE", path: "/work_pools/{work_pool_name}/queues/{name}", status: 204, response: "none" },
  { method: "POST", path: "/work_pools/{work_pool_name}/queues/filter", status: 200, response: "WorkQueueResponse[]" },
  // workers
  { method: "POST", path: "/work_pools/{work_pool_name}/workers/heartbeat", status: 204, response: "none" },
  { method: "POST", path: "/work_pools/{work_pool_name}/workers/filter", status: 200, response: "WorkerResponse[]" },
  { method: "DELETE", path: "/work_pools/{work_pool_name}/workers/{name}", status: 204, response: "none" },
  // logs
  { method: "POST", path: "/logs/", status: 201, response: "any" },
  { method: "POST", path: "/logs/filter", status: 200, response: "Log[]" },
  // states (query: ?flow_run_id= / ?task_run_id=)
  { method: "GET", path: "/flow_run_states/", status: 200, response: "State[]" },
  { method: "GET", path: "/task_run_states/", status: 200, response: "State[]" },
  { method: "GET", path: "/flow_run_states/{id}", status: 200, response: "State" },
  { method: "GET", path: "/task_run_states/{id}", status: 200, response: "State" },
  // blocks (POST /block_schemas/ answers 200 with the stored schema when the checksum is known)
  { method: "POST", path: "/block_types/", status: 201, response: "BlockType" },
  { method: "GET", path: "/block_types/{id}", status: 200, response: "BlockType" },
  { method: "GET", path: "/block_types/slug/{slug}", status: 200, response: "BlockType" },
  { method: "PATCH", path: "/block_types/{id}", status: 204, response: "none" },
  { method: "POST", path: "/block_types/filter", status: 200, response: "BlockType[]" },
  { method: "GET", path: "/block_types/slug/{slug}/block_documents", status: 200, response: "BlockDocument[]" },
  { method: "GET", path: "/block_types/slug/{slug}/block_documents/name/{block_document_name}", status: 200, response: "BlockDocument" },
  { method: "POST", path: "/block_schemas/", status: 201, alsoStatus: 200, response: "BlockSchema" },
  { method: "GET", path: "/block_schemas/{id}", status: 200, response: "BlockSchema" },
  { method: "GET", path: "/block_schemas/checksum/{checksum}", status: 200, response: "BlockSchema" },
  { method: "POST", path: "/block_schemas/filter", status: 200, response: "BlockSchema[]" },
  { method: "POST", path: "/block_documents/", status: 201, response: "BlockDocument" },
  { method: "GET", path: "/block_documents/{id}", status: 200, response: "BlockDocument" },
  { method: "PATCH", path: "/block_documents/{id}", status: 204, response: "none" },
  { method: "POST", path: "/block_documents/filter", status: 200, response: "BlockDocument[]" },
  { method: "POST", path: "/block_documents/count", status: 200, response: "integer" },
  { method: "DELETE", path: "/block_documents/{id}", status: 204, response: "none" },
  { method: "DELETE", path: "/block_schemas/{id}", status: 204, response: "none" },
  { method: "DELETE", path: "/block_types/{id}", status: 204, response: "none" },
  { method: "POST", path: "/block_types/install_system_block_types", status: 200, response: "any" },
  { method: "GET", path: "/block_capabilities/", status: 200, response: "string[]" },
  // top-level work queues (created in default-agent-pool)
  { method: "POST", path: "/work_queues/", status: 201, response: "WorkQueueResponse" },
  { method: "POST", path: "/work_queues/filter", status: 200, response: "WorkQueueResponse[]" },
  { method: "GET", path: "/work_queues/{id}", status: 200, response: "WorkQueueResponse" },
  { method: "GET", path: "/work_queues/name/{name}", status: 200, response: "WorkQueueResponse" },
  { method: "PATCH", path: "/work_queues/{id}", status: 204, response: "none" },
  { method: "DELETE", path: "/work_queues/{id}", status: 204, response: "none" },
  { method: "POST", path: "/work_queues/{id}/get_runs", status: 200, response: "FlowRunResponse[]" },
  { method: "GET", path: "/work_queues/{id}/status", status: 200, response: "WorkQueueStatusDetail" },
  { method: "POST", path: "/work_queues/{id}/concurrency_status", status: 200, response: "WorkQueueConcurrencyStatus" },
  // variables
  { method: "POST", path: "/variables/", status: 201, response: "Variable" },
  { method: "POST", path: "/variables/filter", status: 200, response: "Variable[]" },
  { method: "POST", path: "/variables/count", status: 200, response: "integer" },
  { method: "GET", path: "/variables/{id}", status: 200, response: "Variable" },
  { method: "GET", path: "/variables/name/{name}", status: 200, response: "Variable" },
  { method: "PATCH", path: "/variables/{id}", status: 204, response: "none" },
  { method: "PATCH", path: "/variables/name/{name}", status: 204, response: "none" },
  { method: "DELETE", path: "/variables/{id}", status: 204, response: "none" },
  { method: "DELETE", path: "/variables/name/{name}", status: 204, response: "none" },
  // artifacts: POST /artifacts/ answers 201 for a new artifact (the file lists the static 200)
  { method: "POST", path: "/artifacts/", status: 201, response: "Artifact" },
  { method: "GET", path: "/artifacts/{id}", status: 200, response: "Artifact" },
  { method: "PATCH", path: "/artifacts/{id}", status: 204, response: "none" },
  { method: "DELETE", path: "/artifacts/{id}", status: 204, response: "none" },
  { method: "GET", path: "/artifacts/{key}/latest", status: 200, response: "Artifact" },
  { method: "POST", path: "/artifacts/filter", status: 200, response: "Artifact[]" },
  { method: "POST", path: "/artifacts/count", status: 200, response: "integer" },
  { method: "POST", path: "/artifacts/latest/filter", status: 200, response: "ArtifactCollection[]" },
  { method: "POST", path: "/artifacts/latest/count", status: 200, response: "integer" },
  // tag concurrency limits (v1): POST answers 201 when created, 200 when the tag's limit existed
  // (updated); the DELETEs and reset answer 200 with a JSON null
  { method: "POST", path: "/concurrency_limits/", status: 201, alsoStatus: 200, response: "ConcurrencyLimit" },
  { method: "GET", path: "/concurrency_limits/{id}", status: 200, response: "ConcurrencyLimit" },
  { method: "GET", path: "/concurrency_limits/tag/{tag}", status: 200, response: "ConcurrencyLimit" },
  { method: "POST", path: "/concurrency_limits/filter", status: 200, response: "ConcurrencyLimit[]" },
  { method: "POST", path: "/concurrency_limits/tag/{tag}/reset", status: 200, response: "any" },
  { method: "POST", path: "/concurrency_limits/increment", status: 200, response: "MinimalConcurrencyLimitResponse[]" },
  { method: "POST", path: "/concurrency_limits/decrement", status: 200, response: "MinimalConcurrencyLimitResponse[]" },
  { method: "DELETE", path: "/concurrency_limits/{id}", status: 200, response: "any" },
  { method: "DELETE", path: "/concurrency_limits/tag/{tag}", status: 200, response: "any" },
  // global concurrency limits (v2)
  { method: "POST", path: "/v2/concurrency_limits/", status: 201, response: "ConcurrencyLimitV2" },
  { method: "GET", path: "/v2/concurrency_limits/{id_or_name}", status: 200, response: "GlobalConcurrencyLimitResponse" },
  { method: "PATCH", path: "/v2/concurrency_limits/{id_or_name}", status: 204, response: "none" },
  { method: "POST", path: "/v2/concurrency_limits/filter", status: 200, response: "GlobalConcurrencyLimitResponse[]" },
  { method: "POST", path: "/v2/concurrency_limits/increment", status: 200, response: "MinimalConcurrencyLimitResponse[]" },
  { method: "POST", path: "/v2/concurrency_limits/decrement", status: 200, response: "MinimalConcurrencyLimitResponse[]" },
  { method: "DELETE", path: "/v2/concurrency_limits/{id_or_name}", status: 204, response: "none" },
  { method: "POST", path: "/v2/concurrency_limits/increment-with-lease", status: 200, response: "ConcurrencyLimitWithLeaseResponse" },
  { method: "POST", path: "/v2/concurrency_limits/decrement-with-lease", status: 204, response: "none" },
  { method: "POST", path: "/v2/concurrency_limits/leases/{lease_id}/renew", status: 204, response: "none" },
  // flow run inputs (create answers 201 with a null body; a read answers the stored JSON text)
  { method: "POST", path: "/flow_runs/{id}/input", status: 201, response: "any" },
  { method: "POST", path: "/flow_runs/{id}/input/filter", status: 200, response: "FlowRunInput[]" },
  { method: "GET", path: "/flow_runs/{id}/input/{key}", status: 200, response: "any" },
  { method: "DELETE", path: "/flow_runs/{id}/input/{key}", status: 204, response: "none" },
];
