import type { FlowRun, FlowRunPolicy, State } from "@ecsflow/schemas";
import type { FlowRunTable } from "../../database/index.js";
import { parseJson, toBool } from "../shared/json-columns.js";

export const DEFAULT_FLOW_RUN_POLICY: FlowRunPolicy = {
  max_retries: 0,
  retry_delay_seconds: 0,
  retries: null,
  retry_delay: null,
  pause_keys: [],
  resuming: false,
  retry_type: null,
};

/** Prefect: time spent RUNNING so far, counting the current RUNNING stretch up to now. */
export function estimatedRunTime(row: Pick<FlowRunTable, "state_type" | "state_timestamp" | "total_run_time">, now: number): number {
  if (row.state_type !== "RUNNING" || !row.state_timestamp) return row.total_run_time;
  return row.total_run_time + Math.max(0, (now - Date.parse(row.state_timestamp)) / 1000);
}

/** Prefect: how late a run started, or, while it still waits, how late it is now (seconds). */
export function estimatedStartTimeDelta(
  row: Pick<FlowRunTable, "expected_start_time" | "start_time" | "state_type">,
  now: number,
): number {
  if (!row.expected_start_time) return 0;
  const expected = Date.parse(row.expected_start_time);
  if (row.start_time) return Math.max(0, (Date.parse(row.start_time) - expected) / 1000);
  if (row.state_type === "SCHEDULED" || row.state_type === "PENDING") return Math.max(0, (now - expected) / 1000);
  return 0;
}

/** A stored flow run as the API returns it. */
export function flowRunFromRow(row: FlowRunTable, now: number = Date.now()): FlowRun {
  const state = parseJson<State | null>(row.state, null);
  const delta = estimatedStartTimeDelta(row, now);
  return {
    id: row.id,
    created: row.created,
    updated: row.updated,
    name: row.name,
    flow_id: row.flow_id,
    state_id: row.state_id,
    deployment_id: row.deployment_id,
    deployment_version: row.deployment_version,
    work_queue_id: row.work_queue_id,
    work_queue_name: row.work_queue_name,
    flow_version: row.flow_version,
    parameters: parseJson(row.parameters, {}),
    idempotency_key: row.idempotency_key,
    context: parseJson(row.context, {}),
    empirical_policy: { ...DEFAULT_FLOW_RUN_POLICY, ...parseJson<Partial<FlowRunPolicy>>(row.empirical_policy, {}) },
    tags: parseJson(row.tags, []),
    labels: parseJson(row.labels, {}),
    parent_task_run_id: row.parent_task_run_id,
    state_type: (row.state_type as FlowRun["state_type"]) ?? null,
    state_name: row.state_name,
    run_count: row.run_count,
    expected_start_time: row.expected_start_time,
    next_scheduled_start_time: row.next_scheduled_start_time,
    start_time: row.start_time,
    end_time: row.end_time,
    total_run_time: row.total_run_time,
    estimated_run_time: estimatedRunTime(row, now),
    estimated_start_time_delta: delta,
    auto_scheduled: toBool(row.auto_scheduled),
    infrastructure_document_id: row.infrastructure_document_id,
    infrastructure_pid: row.infrastructure_pid,
    created_by: parseJson(row.created_by, null),
    work_pool_id: row.work_pool_id,
    work_pool_name: row.work_pool_name,
    state,
    job_variables: parseJson(row.job_variables, {}),
  };
}
