import { Type, type Static } from "@sinclair/typebox";
import { CreatedBy, DateTime, JsonObject, Labels, Nullable, Tags, Uuid } from "./common.js";
import { StateSchema, StateTypeSchema } from "./states.js";

export const FlowRunPolicySchema = Type.Object({
  max_retries: Type.Integer({ default: 0 }),
  retry_delay_seconds: Type.Number({ default: 0 }),
  retries: Nullable(Type.Integer()),
  retry_delay: Nullable(Type.Integer()),
  pause_keys: Nullable(Type.Array(Type.String())),
  resuming: Nullable(Type.Boolean()),
  retry_type: Nullable(Type.String()),
});
export type FlowRunPolicy = Static<typeof FlowRunPolicySchema>;

/** A flow run as the API returns it (Prefect's `FlowRunResponse`). */
export const FlowRunSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  name: Type.String(),
  flow_id: Uuid,
  state_id: Nullable(Uuid),
  deployment_id: Nullable(Uuid),
  deployment_version: Nullable(Type.String()),
  work_queue_id: Nullable(Uuid),
  work_queue_name: Nullable(Type.String()),
  flow_version: Nullable(Type.String()),
  parameters: JsonObject,
  idempotency_key: Nullable(Type.String()),
  context: JsonObject,
  empirical_policy: FlowRunPolicySchema,
  tags: Tags,
  labels: Labels,
  parent_task_run_id: Nullable(Uuid),
  state_type: Nullable(StateTypeSchema),
  state_name: Nullable(Type.String()),
  run_count: Type.Integer(),
  expected_start_time: Nullable(DateTime),
  next_scheduled_start_time: Nullable(DateTime),
  start_time: Nullable(DateTime),
  end_time: Nullable(DateTime),
  total_run_time: Type.Number(),
  estimated_run_time: Type.Number(),
  estimated_start_time_delta: Type.Number(),
  auto_scheduled: Type.Boolean(),
  infrastructure_document_id: Nullable(Uuid),
  infrastructure_pid: Nullable(Type.String()),
  created_by: Nullable(CreatedBy),
  work_pool_id: Nullable(Uuid),
  work_pool_name: Nullable(Type.String()),
  state: Nullable(StateSchema),
  job_variables: Nullable(JsonObject),
});
export type FlowRun = Static<typeof FlowRunSchema>;
