import { Type, type Static } from "@sinclair/typebox";
import { DateTime, JsonObject, Labels, Nullable, Tags, Uuid } from "./common.js";
import { StateCreateSchema, StateSchema, StateTypeSchema } from "./states.js";

const RetryDelay = Nullable(Type.Union([Type.Number(), Type.Array(Type.Number())]));

export const TaskRunPolicySchema = Type.Object({
  max_retries: Type.Integer(),
  retry_delay_seconds: Type.Number(),
  retries: Nullable(Type.Integer()),
  retry_delay: RetryDelay,
  retry_jitter_factor: Nullable(Type.Number()),
});
export type TaskRunPolicy = Static<typeof TaskRunPolicySchema>;

export const TaskRunPolicyCreateSchema = Type.Object(
  {
    max_retries: Type.Optional(Type.Integer()),
    retry_delay_seconds: Type.Optional(Type.Number()),
    retries: Type.Optional(Nullable(Type.Integer())),
    retry_delay: Type.Optional(RetryDelay),
    retry_jitter_factor: Type.Optional(Nullable(Type.Number())),
  },
  { additionalProperties: false },
);

/**
 * What a task's inputs came from (`TaskRunResult`, `FlowRunResult`, `Parameter`, `Constant`):
 * kept as given, since only the UI's graph reads them.
 */
export const TaskInputsSchema = Type.Record(Type.String(), Type.Array(JsonObject));

/** A task run as the API returns it (Prefect's `TaskRun`). */
export const TaskRunSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  name: Type.String(),
  flow_run_id: Nullable(Uuid),
  task_key: Type.String(),
  dynamic_key: Type.String(),
  cache_key: Nullable(Type.String()),
  cache_expiration: Nullable(DateTime),
  task_version: Nullable(Type.String()),
  empirical_policy: TaskRunPolicySchema,
  tags: Tags,
  labels: Labels,
  state_id: Nullable(Uuid),
  task_inputs: TaskInputsSchema,
  state_type: Nullable(StateTypeSchema),
  state_name: Nullable(Type.String()),
  run_count: Type.Integer(),
  flow_run_run_count: Type.Integer(),
  expected_start_time: Nullable(DateTime),
  next_scheduled_start_time: Nullable(DateTime),
  start_time: Nullable(DateTime),
  end_time: Nullable(DateTime),
  total_run_time: Type.Number(),
  estimated_run_time: Type.Number(),
  estimated_start_time_delta: Type.Number(),
  state: Nullable(StateSchema),
});
export type TaskRun = Static<typeof TaskRunSchema>;

/** `POST /task_runs/` (Prefect's `TaskRunCreate`). */
export const TaskRunCreateSchema = Type.Object(
  {
    id: Type.Optional(Nullable(Uuid)),
    state: Type.Optional(Nullable(StateCreateSchema)),
    name: Type.Optional(Type.String({ minLength: 1 })),
    flow_run_id: Type.Optional(Nullable(Uuid)),
    task_key: Type.String(),
    dynamic_key: Type.String(),
    cache_key: Type.Optional(Nullable(Type.String())),
    cache_expiration: Type.Optional(Nullable(DateTime)),
    task_version: Type.Optional(Nullable(Type.String())),
    empirical_policy: Type.Optional(TaskRunPolicyCreateSchema),
    tags: Type.Optional(Tags),
    labels: Type.Optional(Nullable(Labels)),
    task_inputs: Type.Optional(TaskInputsSchema),
  },
  { additionalProperties: false },
);
export type TaskRunCreate = Static<typeof TaskRunCreateSchema>;
