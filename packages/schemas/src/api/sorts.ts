import { Type, type Static } from "@sinclair/typebox";

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const FLOW_SORTS = ["CREATED_DESC", "UPDATED_DESC", "NAME_ASC", "NAME_DESC"] as const;
export const FlowSortSchema = literals(FLOW_SORTS);
export type FlowSort = Static<typeof FlowSortSchema>;

export const DEPLOYMENT_SORTS = ["CREATED_DESC", "UPDATED_DESC", "NAME_ASC", "NAME_DESC"] as const;
export const DeploymentSortSchema = literals(DEPLOYMENT_SORTS);
export type DeploymentSort = Static<typeof DeploymentSortSchema>;

export const FLOW_RUN_SORTS = [
  "ID_DESC",
  "START_TIME_ASC",
  "START_TIME_DESC",
  "EXPECTED_START_TIME_ASC",
  "EXPECTED_START_TIME_DESC",
  "NAME_ASC",
  "NAME_DESC",
  "NEXT_SCHEDULED_START_TIME_ASC",
  "END_TIME_DESC",
] as const;
export const FlowRunSortSchema = literals(FLOW_RUN_SORTS);
export type FlowRunSort = Static<typeof FlowRunSortSchema>;

export const TASK_RUN_SORTS = ["ID_DESC", "EXPECTED_START_TIME_ASC", "EXPECTED_START_TIME_DESC", "NAME_ASC", "NAME_DESC", "NEXT_SCHEDULED_START_TIME_ASC", "END_TIME_DESC"] as const;
export const TaskRunSortSchema = literals(TASK_RUN_SORTS);
export type TaskRunSort = Static<typeof TaskRunSortSchema>;

export const LOG_SORTS = ["TIMESTAMP_ASC", "TIMESTAMP_DESC"] as const;
export const LogSortSchema = literals(LOG_SORTS);
export type LogSort = Static<typeof LogSortSchema>;
