import { Type, type Static } from "@sinclair/typebox";
import { CreatedBy, DateTime, JsonObject, Labels, Nullable, Tags, Uuid } from "./common.js";
import { FlowRunPolicyCreateSchema } from "./flow-run-actions.js";
import { StateCreateSchema } from "./states.js";

/** A stored schedule: exactly one of Prefect's interval, cron and rrule kinds. */
export const IntervalScheduleSchema = Type.Object({
  /** Seconds, as Prefect serialises its timedelta. */
  interval: Type.Number(),
  anchor_date: DateTime,
  timezone: Nullable(Type.String()),
});
export const CronScheduleSchema = Type.Object({ cron: Type.String(), timezone: Nullable(Type.String()), day_or: Type.Boolean() });
export const RRuleScheduleSchema = Type.Object({ rrule: Type.String(), timezone: Nullable(Type.String()) });
export const ScheduleSchema = Type.Union([IntervalScheduleSchema, CronScheduleSchema, RRuleScheduleSchema]);
export type Schedule = Static<typeof ScheduleSchema>;

/**
 * A schedule as a client sends it. One flat object rather than a union of three strict objects:
 * with Ajv's removeAdditional, a union's first branch would strip the keys of the others
 * before they are tried. Which kind it is gets decided (and checked) in code.
 */
export const ScheduleInputSchema = Type.Object(
  {
    interval: Type.Optional(Type.Number()),
    anchor_date: Type.Optional(DateTime),
    timezone: Type.Optional(Nullable(Type.String())),
    cron: Type.Optional(Type.String()),
    day_or: Type.Optional(Type.Boolean()),
    rrule: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ScheduleInput = Static<typeof ScheduleInputSchema>;

const MaxScheduledRuns = Nullable(Type.Integer({ exclusiveMinimum: 0 }));

export const DeploymentScheduleSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  deployment_id: Nullable(Uuid),
  schedule: ScheduleSchema,
  active: Type.Boolean(),
  max_scheduled_runs: MaxScheduledRuns,
  parameters: JsonObject,
  slug: Nullable(Type.String()),
});
export type DeploymentSchedule = Static<typeof DeploymentScheduleSchema>;

export const DeploymentScheduleCreateSchema = Type.Object(
  {
    active: Type.Optional(Type.Boolean()),
    schedule: ScheduleInputSchema,
    max_scheduled_runs: Type.Optional(MaxScheduledRuns),
    parameters: Type.Optional(JsonObject),
    slug: Type.Optional(Nullable(Type.String())),
    replaces: Type.Optional(Nullable(Type.String())),
  },
  { additionalProperties: false },
);
export type DeploymentScheduleCreate = Static<typeof DeploymentScheduleCreateSchema>;

export const DeploymentScheduleUpdateSchema = Type.Object(
  {
    active: Type.Optional(Nullable(Type.Boolean())),
    schedule: Type.Optional(Nullable(ScheduleInputSchema)),
    max_scheduled_runs: Type.Optional(MaxScheduledRuns),
    parameters: Type.Optional(JsonObject),
    slug: Type.Optional(Nullable(Type.String())),
    replaces: Type.Optional(Nullable(Type.String())),
  },
  { additionalProperties: false },
);
export type DeploymentScheduleUpdate = Static<typeof DeploymentScheduleUpdateSchema>;

export const ConcurrencyOptionsSchema = Type.Object({
  collision_strategy: Type.Union([Type.Literal("ENQUEUE"), Type.Literal("CANCEL_NEW")]),
  grace_period_seconds: Type.Optional(Nullable(Type.Integer({ minimum: 60, maximum: 86_400 }))),
});
export type ConcurrencyOptions = Static<typeof ConcurrencyOptionsSchema>;

export const DeploymentStatusSchema = Type.Union([Type.Literal("READY"), Type.Literal("NOT_READY")]);

/**
 * `POST /deployments/` (Prefect's `DeploymentCreate`). No defaults here on purpose: an upsert
 * of an existing deployment changes only the fields the client sent, as in Prefect.
 */
export const DeploymentCreateSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    flow_id: Uuid,
    paused: Type.Optional(Type.Boolean()),
    schedules: Type.Optional(Type.Array(DeploymentScheduleCreateSchema)),
    concurrency_limit: Type.Optional(Nullable(Type.Integer({ exclusiveMinimum: 0 }))),
    concurrency_options: Type.Optional(Nullable(ConcurrencyOptionsSchema)),
    global_concurrency_limit_id: Type.Optional(Nullable(Uuid)),
    enforce_parameter_schema: Type.Optional(Type.Boolean()),
    parameter_openapi_schema: Type.Optional(Nullable(JsonObject)),
    parameters: Type.Optional(JsonObject),
    tags: Type.Optional(Tags),
    labels: Type.Optional(Nullable(Labels)),
    pull_steps: Type.Optional(Nullable(Type.Array(JsonObject))),
    work_queue_name: Type.Optional(Nullable(Type.String())),
    work_pool_name: Type.Optional(Nullable(Type.String())),
    storage_document_id: Type.Optional(Nullable(Uuid)),
    infrastructure_document_id: Type.Optional(Nullable(Uuid)),
    description: Type.Optional(Nullable(Type.String())),
    path: Type.Optional(Nullable(Type.String())),
    version: Type.Optional(Nullable(Type.String())),
    entrypoint: Type.Optional(Nullable(Type.String())),
    job_variables: Type.Optional(JsonObject),
  },
  { additionalProperties: false },
);
export type DeploymentCreate = Static<typeof DeploymentCreateSchema>;

/** `PATCH /deployments/{id}` (Prefect's `DeploymentUpdate`); only the fields sent change. */
export const DeploymentUpdateSchema = Type.Object(
  {
    version: Type.Optional(Nullable(Type.String())),
    description: Type.Optional(Nullable(Type.String())),
    paused: Type.Optional(Type.Boolean()),
    schedules: Type.Optional(Type.Array(DeploymentScheduleUpdateSchema)),
    concurrency_limit: Type.Optional(Nullable(Type.Integer({ exclusiveMinimum: 0 }))),
    concurrency_options: Type.Optional(Nullable(ConcurrencyOptionsSchema)),
    global_concurrency_limit_id: Type.Optional(Nullable(Uuid)),
    parameters: Type.Optional(Nullable(JsonObject)),
    parameter_openapi_schema: Type.Optional(Nullable(JsonObject)),
    tags: Type.Optional(Tags),
    work_queue_name: Type.Optional(Nullable(Type.String())),
    work_pool_name: Type.Optional(Nullable(Type.String())),
    path: Type.Optional(Nullable(Type.String())),
    job_variables: Type.Optional(Nullable(JsonObject)),
    pull_steps: Type.Optional(Nullable(Type.Array(JsonObject))),
    entrypoint: Type.Optional(Nullable(Type.String())),
    storage_document_id: Type.Optional(Nullable(Uuid)),
    infrastructure_document_id: Type.Optional(Nullable(Uuid)),
    enforce_parameter_schema: Type.Optional(Nullable(Type.Boolean())),
  },
  { additionalProperties: false },
);
export type DeploymentUpdate = Static<typeof DeploymentUpdateSchema>;

/** A deployment as the API returns it (Prefect's `DeploymentResponse`). */
export const DeploymentSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  name: Type.String(),
  version: Nullable(Type.String()),
  description: Nullable(Type.String()),
  flow_id: Uuid,
  paused: Type.Boolean(),
  schedules: Type.Array(DeploymentScheduleSchema),
  concurrency_limit: Nullable(Type.Integer()),
  global_concurrency_limit: Nullable(JsonObject),
  concurrency_options: Nullable(ConcurrencyOptionsSchema),
  job_variables: JsonObject,
  parameters: JsonObject,
  tags: Tags,
  labels: Labels,
  work_queue_name: Nullable(Type.String()),
  work_queue_id: Nullable(Uuid),
  last_polled: Nullable(DateTime),
  parameter_openapi_schema: Nullable(JsonObject),
  path: Nullable(Type.String()),
  pull_steps: Nullable(Type.Array(JsonObject)),
  entrypoint: Nullable(Type.String()),
  storage_document_id: Nullable(Uuid),
  infrastructure_document_id: Nullable(Uuid),
  created_by: Nullable(CreatedBy),
  updated_by: Nullable(CreatedBy),
  work_pool_name: Nullable(Type.String()),
  status: Nullable(DeploymentStatusSchema),
  enforce_parameter_schema: Type.Boolean(),
});
export type Deployment = Static<typeof DeploymentSchema>;

/** `POST /deployments/{id}/create_flow_run` (Prefect's `DeploymentFlowRunCreate`). */
export const DeploymentFlowRunCreateSchema = Type.Object(
  {
    state: Type.Optional(Nullable(StateCreateSchema)),
    name: Type.Optional(Type.String({ minLength: 1 })),
    parameters: Type.Optional(JsonObject),
    enforce_parameter_schema: Type.Optional(Nullable(Type.Boolean())),
    context: Type.Optional(JsonObject),
    infrastructure_document_id: Type.Optional(Nullable(Uuid)),
    empirical_policy: Type.Optional(FlowRunPolicyCreateSchema),
    tags: Type.Optional(Tags),
    idempotency_key: Type.Optional(Nullable(Type.String())),
    labels: Type.Optional(Nullable(Labels)),
    parent_task_run_id: Type.Optional(Nullable(Uuid)),
    work_queue_name: Type.Optional(Nullable(Type.String())),
    job_variables: Type.Optional(Nullable(JsonObject)),
  },
  { additionalProperties: false },
);
export type DeploymentFlowRunCreate = Static<typeof DeploymentFlowRunCreateSchema>;
