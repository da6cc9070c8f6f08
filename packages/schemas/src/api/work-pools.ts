import { Type, type Static } from "@sinclair/typebox";
import { DateTime, JsonObject, Nullable, Uuid } from "./common.js";
import { FlowRunSchema } from "./flow-runs.js";

/** Prefect's `Name`: no characters that would break a URL path. */
export const NAME_PATTERN = "^[^/%&><]+$";

/**
 * `limit` and `offset` of Prefect's filter bodies. Prefect's clients send `null` for "not given",
 * so both accept it; the range check of `limit` (0..200) gives Prefect's own sentence, so it is done
 * in code, not here.
 */
export const LimitField = Type.Optional(Nullable(Type.Integer()));
export const OffsetField = Type.Optional(Nullable(Type.Integer({ minimum: 0 })));

export const OperatorSchema = Type.Union([Type.Literal("and_"), Type.Literal("or_")]);

export const WORK_POOL_STATUSES = ["READY", "NOT_READY", "PAUSED"] as const;
export const WorkPoolStatusSchema = Type.Union(WORK_POOL_STATUSES.map((s) => Type.Literal(s)));
export type WorkPoolStatus = (typeof WORK_POOL_STATUSES)[number];

/** `storage_configuration` as sent: every key optional, unknown keys dropped. */
export const WorkPoolStorageConfigurationInputSchema = Type.Object(
  {
    bundle_upload_step: Type.Optional(Nullable(JsonObject)),
    bundle_execution_step: Type.Optional(Nullable(JsonObject)),
    default_result_storage_block_id: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);
export type WorkPoolStorageConfigurationInput = Static<typeof WorkPoolStorageConfigurationInputSchema>;

/**
 * `storage_configuration` as returned: every key present, null when unset (as Prefect answers),
 * except that Prefect clients up to 3.3.7 get no `default_result_storage_block_id` (they reject it).
 */
export const WorkPoolStorageConfigurationSchema = Type.Object({
  bundle_upload_step: Nullable(JsonObject),
  bundle_execution_step: Nullable(JsonObject),
  default_result_storage_block_id: Type.Optional(Nullable(Uuid)),
});
export type WorkPoolStorageConfiguration = Static<typeof WorkPoolStorageConfigurationSchema>;

/** `POST /work_pools/` (Prefect's `WorkPoolCreate`). */
export const WorkPoolCreateSchema = Type.Object(
  {
    name: Type.String({ pattern: NAME_PATTERN }),
    description: Type.Optional(Nullable(Type.String())),
    type: Type.Optional(Type.String()),
    base_job_template: Type.Optional(JsonObject),
    is_paused: Type.Optional(Type.Boolean()),
    concurrency_limit: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    storage_configuration: Type.Optional(WorkPoolStorageConfigurationInputSchema),
  },
  { additionalProperties: false },
);
export type WorkPoolCreate = Static<typeof WorkPoolCreateSchema>;

/** `PATCH /work_pools/{name}` (Prefect's `WorkPoolUpdate`): only the keys sent change. */
export const WorkPoolUpdateSchema = Type.Object(
  {
    description: Type.Optional(Nullable(Type.String())),
    is_paused: Type.Optional(Nullable(Type.Boolean())),
    base_job_template: Type.Optional(Nullable(JsonObject)),
    concurrency_limit: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    storage_configuration: Type.Optional(Nullable(WorkPoolStorageConfigurationInputSchema)),
  },
  { additionalProperties: false },
);
export type WorkPoolUpdate = Static<typeof WorkPoolUpdateSchema>;

/** A work pool as the API returns it (Prefect's `WorkPoolResponse`). */
export const WorkPoolSchema = Type.Object({
  id: Uuid,
  created: DateTime,
  updated: DateTime,
  name: Type.String(),
  description: Nullable(Type.String()),
  type: Type.String(),
  base_job_template: JsonObject,
  is_paused: Type.Boolean(),
  concurrency_limit: Nullable(Type.Integer()),
  status: Nullable(WorkPoolStatusSchema),
  default_queue_id: Nullable(Uuid),
  storage_configuration: WorkPoolStorageConfigurationSchema,
  /** Runs holding a slot of the pool's concurrency limit; null when the pool has no limit. */
  active_slots: Nullable(Type.Integer()),
});
export type WorkPool = Static<typeof WorkPoolSchema>;

const anyOfList = <T extends ReturnType<typeof Type.String>>(item: T) =>
  Type.Optional(Nullable(Type.Object({ any_: Type.Optional(Nullable(Type.Array(item))) }, { additionalProperties: false })));

/** Prefect's `WorkPoolFilter`. */
export const WorkPoolFilterSchema = Type.Object(
  {
    operator: Type.Optional(OperatorSchema),
    id: anyOfList(Uuid),
    name: anyOfList(Type.String()),
    type: anyOfList(Type.String()),
  },
  { additionalProperties: false },
);
export type WorkPoolFilter = Static<typeof WorkPoolFilterSchema>;

export const WorkPoolFilterBodySchema = Type.Object(
  { work_pools: Type.Optional(Nullable(WorkPoolFilterSchema)), offset: OffsetField, limit: LimitField },
  { additionalProperties: false },
);
export type WorkPoolFilterBody = Static<typeof WorkPoolFilterBodySchema>;

export const WorkPoolCountBodySchema = Type.Object({ work_pools: Type.Optional(Nullable(WorkPoolFilterSchema)) }, { additionalProperties: false });
export type WorkPoolCountBody = Static<typeof WorkPoolCountBodySchema>;

/** `POST /work_pools/{name}/get_scheduled_flow_runs`. */
export const GetScheduledFlowRunsBodySchema = Type.Object(
  {
    work_queue_names: Type.Optional(Nullable(Type.Array(Type.String()))),
    scheduled_before: Type.Optional(Nullable(DateTime)),
    scheduled_after: Type.Optional(Nullable(DateTime)),
    limit: LimitField,
  },
  { additionalProperties: false },
);
export type GetScheduledFlowRunsBody = Static<typeof GetScheduledFlowRunsBodySchema>;

/** One run offered to a worker (Prefect's `WorkerFlowRunResponse`). */
export const WorkerFlowRunSchema = Type.Object({
  work_pool_id: Uuid,
  work_queue_id: Uuid,
  flow_run: FlowRunSchema,
});
export type WorkerFlowRun = Static<typeof WorkerFlowRunSchema>;

export const WorkPoolNameParamsSchema = Type.Object({ name: Type.String() });
