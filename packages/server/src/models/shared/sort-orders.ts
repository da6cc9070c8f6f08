import { sql, type RawBuilder } from "kysely";
import type { DeploymentSort, FlowRunSort, FlowSort, LogSort, TaskRunSort } from "@ecsflow/schemas";

/**
 * ORDER BY terms for Prefect's sort options. NULLs sort as PostgreSQL sorts them (last when
 * ascending, first when descending) on both engines, and every order ends with the id so pages
 * are stable; ids are time-ordered (UUIDv7), so ties keep creation order.
 */
type Order = RawBuilder<unknown>[];
const asc = (column: string) => sql`${sql.raw(column)} asc nulls last`;
const desc = (column: string) => sql`${sql.raw(column)} desc nulls first`;

export function flowRunOrder(given?: FlowRunSort | null): Order {
  const sort = given ?? "ID_DESC";
  const byStart = "coalesce(flow_run.start_time, flow_run.expected_start_time)";
  const orders: Record<FlowRunSort, Order> = {
    ID_DESC: [desc("flow_run.id")],
    START_TIME_ASC: [asc(byStart), asc("flow_run.id")],
    START_TIME_DESC: [desc(byStart), desc("flow_run.id")],
    EXPECTED_START_TIME_ASC: [asc("flow_run.expected_start_time"), asc("flow_run.id")],
    EXPECTED_START_TIME_DESC: [desc("flow_run.expected_start_time"), desc("flow_run.id")],
    NAME_ASC: [asc("flow_run.name"), asc("flow_run.id")],
    NAME_DESC: [desc("flow_run.name"), desc("flow_run.id")],
    NEXT_SCHEDULED_START_TIME_ASC: [asc("flow_run.next_scheduled_start_time"), asc("flow_run.id")],
    END_TIME_DESC: [desc("flow_run.end_time"), desc("flow_run.id")],
  };
  return orders[sort];
}

export function taskRunOrder(given?: TaskRunSort | null): Order {
  const sort = given ?? "ID_DESC";
  const orders: Record<TaskRunSort, Order> = {
    ID_DESC: [desc("task_run.id")],
    EXPECTED_START_TIME_ASC: [asc("task_run.expected_start_time"), asc("task_run.id")],
    EXPECTED_START_TIME_DESC: [desc("task_run.expected_start_time"), desc("task_run.id")],
    NAME_ASC: [asc("task_run.name"), asc("task_run.id")],
    NAME_DESC: [desc("task_run.name"), desc("task_run.id")],
    NEXT_SCHEDULED_START_TIME_ASC: [asc("task_run.next_scheduled_start_time"), asc("task_run.id")],
    END_TIME_DESC: [desc("task_run.end_time"), desc("task_run.id")],
  };
  return orders[sort];
}

export function flowOrder(given?: FlowSort | null): Order {
  const sort = given ?? "NAME_ASC";
  const orders: Record<FlowSort, Order> = {
    CREATED_DESC: [desc("flow.created"), desc("flow.id")],
    UPDATED_DESC: [desc("flow.updated"), desc("flow.id")],
    NAME_ASC: [asc("flow.name")],
    NAME_DESC: [desc("flow.name")],
  };
  return orders[sort];
}

export function deploymentOrder(given?: DeploymentSort | null): Order {
  const sort = given ?? "NAME_ASC";
  const orders: Record<DeploymentSort, Order> = {
    CREATED_DESC: [desc("deployment.created"), desc("deployment.id")],
    UPDATED_DESC: [desc("deployment.updated"), desc("deployment.id")],
    NAME_ASC: [asc("deployment.name"), asc("deployment.id")],
    NAME_DESC: [desc("deployment.name"), desc("deployment.id")],
  };
  return orders[sort];
}

/** Logs come back in the order they were written when timestamps tie. */
export function logOrder(given?: LogSort | null): Order {
  const sort = given ?? "TIMESTAMP_ASC";
  return sort === "TIMESTAMP_DESC" ? [desc("log.timestamp"), desc("log.id")] : [asc("log.timestamp"), asc("log.id")];
}
