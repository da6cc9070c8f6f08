import { Type, type Static, type TProperties } from "@sinclair/typebox";
import { Nullable } from "./common.js";
import { DeploymentFilterSchema, FlowFilterSchema, FlowRunFilterSchema, LogFilterSchema, TaskRunFilterSchema } from "./filters.js";
import { DeploymentSortSchema, FlowRunSortSchema, FlowSortSchema, LogSortSchema, TaskRunSortSchema } from "./sorts.js";
import { LimitField, OffsetField, WorkPoolFilterSchema } from "./work-pools.js";
import { WorkQueueFilterSchema } from "./work-queues.js";

const body = <T extends TProperties>(properties: T) => Type.Object(properties, { additionalProperties: false });
// The limit's range is checked by the server (resolveLimit) to answer with Prefect's sentence.
const limit = LimitField;
const offset = OffsetField;
const flows = Type.Optional(Nullable(FlowFilterSchema));
const flow_runs = Type.Optional(Nullable(FlowRunFilterSchema));
const task_runs = Type.Optional(Nullable(TaskRunFilterSchema));
const deployments = Type.Optional(Nullable(DeploymentFilterSchema));
const work_pools = Type.Optional(Nullable(WorkPoolFilterSchema));
const work_pool_queues = Type.Optional(Nullable(WorkQueueFilterSchema));

/** `POST /flows/count`. */
export const CountFlowsBodySchema = body({ flows, flow_runs, task_runs, deployments, work_pools });
export type CountFlowsBody = Static<typeof CountFlowsBodySchema>;
/** `POST /flows/filter`. */
export const ReadFlowsBodySchema = body({ flows, flow_runs, task_runs, deployments, work_pools, sort: Type.Optional(Nullable(FlowSortSchema)), limit, offset });
export type ReadFlowsBody = Static<typeof ReadFlowsBodySchema>;

/** `POST /flow_runs/count`. */
export const CountFlowRunsBodySchema = body({ flows, flow_runs, task_runs, deployments, work_pools, work_pool_queues });
export type CountFlowRunsBody = Static<typeof CountFlowRunsBodySchema>;
/** `POST /flow_runs/filter`. */
export const ReadFlowRunsBodySchema = body({
  flows,
  flow_runs,
  task_runs,
  deployments,
  work_pools,
  work_pool_queues,
  sort: Type.Optional(Nullable(FlowRunSortSchema)),
  limit,
  offset,
});
export type ReadFlowRunsBody = Static<typeof ReadFlowRunsBodySchema>;

/** `POST /task_runs/count`. */
export const CountTaskRunsBodySchema = body({ flows, flow_runs, task_runs, deployments });
export type CountTaskRunsBody = Static<typeof CountTaskRunsBodySchema>;
/** `POST /task_runs/filter`. */
export const ReadTaskRunsBodySchema = body({ flows, flow_runs, task_runs, deployments, sort: Type.Optional(Nullable(TaskRunSortSchema)), limit, offset });
export type ReadTaskRunsBody = Static<typeof ReadTaskRunsBodySchema>;

/** `POST /deployments/count`. */
export const CountDeploymentsBodySchema = body({ flows, flow_runs, task_runs, deployments, work_pools, work_pool_queues });
export type CountDeploymentsBody = Static<typeof CountDeploymentsBodySchema>;
/** `POST /deployments/filter`. */
export const ReadDeploymentsBodySchema = body({
  flows,
  flow_runs,
  task_runs,
  deployments,
  work_pools,
  work_pool_queues,
  sort: Type.Optional(Nullable(DeploymentSortSchema)),
  limit,
  offset,
});
export type ReadDeploymentsBody = Static<typeof ReadDeploymentsBodySchema>;

/** `POST /logs/filter`. */
export const ReadLogsBodySchema = body({ logs: Type.Optional(Nullable(LogFilterSchema)), sort: Type.Optional(Nullable(LogSortSchema)), limit, offset });
export type ReadLogsBody = Static<typeof ReadLogsBodySchema>;
