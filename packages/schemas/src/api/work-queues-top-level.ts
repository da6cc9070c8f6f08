import { Type, type Static } from "@sinclair/typebox";
import { DateTime, Nullable, Uuid } from "./common.js";
import { StateTypeSchema } from "./states.js";
import { LimitField } from "./work-pools.js";

/** `POST /work_queues/{id}/get_runs`. */
export const WorkQueueRunsBodySchema = Type.Object(
  { scheduled_before: Type.Optional(Nullable(DateTime)), limit: LimitField },
  { additionalProperties: false },
);
export type WorkQueueRunsBody = Static<typeof WorkQueueRunsBodySchema>;

/** Prefect's `WorkQueueHealthPolicy`: every queue uses the default one. */
export const WorkQueueHealthPolicySchema = Type.Object({
  maximum_late_runs: Nullable(Type.Integer()),
  maximum_seconds_since_last_polled: Nullable(Type.Integer()),
});

/** `GET /work_queues/{id}/status` (Prefect's `WorkQueueStatusDetail`). */
export const WorkQueueStatusDetailSchema = Type.Object({
  healthy: Type.Boolean(),
  late_runs_count: Type.Integer(),
  last_polled: Nullable(DateTime),
  health_check_policy: WorkQueueHealthPolicySchema,
});
export type WorkQueueStatusDetail = Static<typeof WorkQueueStatusDetailSchema>;

/** `POST /work_queues/{id}/concurrency_status`. */
export const WorkQueueConcurrencyStatusBodySchema = Type.Object(
  { page: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))), limit: LimitField },
  { additionalProperties: false },
);
export type WorkQueueConcurrencyStatusBody = Static<typeof WorkQueueConcurrencyStatusBodySchema>;

/** A run holding one of a queue's concurrency slots (Prefect's `FlowRunSlotSummary`). */
export const FlowRunSlotSummarySchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  state_type: Nullable(StateTypeSchema),
  state_name: Nullable(Type.String()),
  start_time: Nullable(DateTime),
  state_timestamp: Nullable(DateTime),
  /** Seconds since the run entered its current state. */
  time_in_current_state: Nullable(Type.Number()),
});

/** Prefect's `WorkQueueConcurrencyStatus`: the slot holders, a page at a time. */
export const WorkQueueConcurrencyStatusSchema = Type.Object({
  active_slots: Type.Integer(),
  concurrency_limit: Nullable(Type.Integer()),
  flow_runs: Type.Array(FlowRunSlotSummarySchema),
  count: Type.Integer(),
  limit: Type.Integer(),
  pages: Type.Integer(),
  page: Type.Integer(),
});
export type WorkQueueConcurrencyStatus = Static<typeof WorkQueueConcurrencyStatusSchema>;

export const WorkQueueNameParamsSchema = Type.Object({ name: Type.String() });
