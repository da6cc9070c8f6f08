import { Type, type Static } from "@sinclair/typebox";
import { JsonObject, Labels, Nullable, Tags, Uuid } from "./common.js";
import { StateCreateSchema } from "./states.js";

/** A flow run policy as a client sends it: every field optional (Prefect fills defaults). */
export const FlowRunPolicyCreateSchema = Type.Object(
  {
    max_retries: Type.Optional(Type.Integer()),
    retry_delay_seconds: Type.Optional(Type.Number()),
    retries: Type.Optional(Nullable(Type.Integer())),
    retry_delay: Type.Optional(Nullable(Type.Integer())),
    pause_keys: Type.Optional(Nullable(Type.Array(Type.String()))),
    resuming: Type.Optional(Nullable(Type.Boolean())),
    retry_type: Type.Optional(Nullable(Type.Union([Type.Literal("in_process"), Type.Literal("reschedule")]))),
  },
  { additionalProperties: false },
);
export type FlowRunPolicyCreate = Static<typeof FlowRunPolicyCreateSchema>;

/** `POST /flow_runs/` (Prefect's `FlowRunCreate`). */
export const FlowRunCreateSchema = Type.Object(
  {
    state: Type.Optional(Nullable(StateCreateSchema)),
    name: Type.Optional(Type.String({ minLength: 1 })),
    flow_id: Uuid,
    flow_version: Type.Optional(Nullable(Type.String())),
    parameters: Type.Optional(JsonObject),
    context: Type.Optional(JsonObject),
    parent_task_run_id: Type.Optional(Nullable(Uuid)),
    infrastructure_document_id: Type.Optional(Nullable(Uuid)),
    empirical_policy: Type.Optional(FlowRunPolicyCreateSchema),
    tags: Type.Optional(Tags),
    labels: Type.Optional(Nullable(Labels)),
    idempotency_key: Type.Optional(Nullable(Type.String())),
    work_pool_name: Type.Optional(Nullable(Type.String())),
    work_queue_name: Type.Optional(Nullable(Type.String())),
    job_variables: Type.Optional(Nullable(JsonObject)),
    /** Deprecated in Prefect (use `POST /deployments/{id}/create_flow_run`) but still accepted. */
    deployment_id: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);
export type FlowRunCreate = Static<typeof FlowRunCreateSchema>;

/** `PATCH /flow_runs/{id}` (Prefect's `FlowRunUpdate`); only the fields sent change. */
export const FlowRunUpdateSchema = Type.Object(
  {
    name: Type.Optional(Nullable(Type.String())),
    flow_version: Type.Optional(Nullable(Type.String())),
    parameters: Type.Optional(JsonObject),
    empirical_policy: Type.Optional(FlowRunPolicyCreateSchema),
    tags: Type.Optional(Tags),
    infrastructure_pid: Type.Optional(Nullable(Type.String())),
    job_variables: Type.Optional(Nullable(JsonObject)),
  },
  { additionalProperties: false },
);
export type FlowRunUpdate = Static<typeof FlowRunUpdateSchema>;
