import { Type, type Static } from "@sinclair/typebox";
import { DateTime, Nullable } from "./common.js";
import { DeploymentFilterSchema, FlowFilterSchema, FlowRunFilterSchema, TaskRunFilterSchema } from "./filters.js";
import { StateTypeSchema } from "./states.js";
import { WorkPoolFilterSchema } from "./work-pools.js";
import { WorkQueueFilterSchema } from "./work-queues.js";

/** `POST /flow_runs/history` (Prefect's `Body_flow_run_history_flow_runs_history_post`). */
export const FlowRunHistoryBodySchema = Type.Object(
  {
    history_start: DateTime,
    history_end: DateTime,
    /** Seconds per interval; at least 1 (checked by the model to answer with a sentence). */
    history_interval_seconds: Type.Number(),
    flows: Type.Optional(Nullable(FlowFilterSchema)),
    flow_runs: Type.Optional(Nullable(FlowRunFilterSchema)),
    task_runs: Type.Optional(Nullable(TaskRunFilterSchema)),
    deployments: Type.Optional(Nullable(DeploymentFilterSchema)),
    work_pools: Type.Optional(Nullable(WorkPoolFilterSchema)),
    work_queues: Type.Optional(Nullable(WorkQueueFilterSchema)),
  },
  { additionalProperties: false },
);
export type FlowRunHistoryBody = Static<typeof FlowRunHistoryBodySchema>;

/** Prefect's `HistoryResponseState`: one state's runs in one interval. */
export const HistoryResponseStateSchema = Type.Object({
  state_type: StateTypeSchema,
  state_name: Type.String(),
  count_runs: Type.Integer(),
  /** Seconds: total run time, counting a RUNNING run's current stretch up to now. */
  sum_estimated_run_time: Type.Number(),
  /** Seconds: how late the runs started, or (still waiting) are now. */
  sum_estimated_lateness: Type.Number(),
});

/** Prefect's `HistoryResponse`: one interval. */
export const HistoryResponseSchema = Type.Object({
  interval_start: DateTime,
  interval_end: DateTime,
  states: Type.Array(HistoryResponseStateSchema),
});
export type HistoryResponse = Static<typeof HistoryResponseSchema>;
