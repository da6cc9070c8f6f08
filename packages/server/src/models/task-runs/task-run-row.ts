import type { State, TaskRun, TaskRunPolicy } from "@ecsflow/schemas";
import type { TaskRunTable } from "../../database/index.js";
import { estimatedRunTime, estimatedStartTimeDelta } from "../flow-runs/flow-run-row.js";
import { parseJson } from "../shared/json-columns.js";

export const DEFAULT_TASK_RUN_POLICY: TaskRunPolicy = {
  max_retries: 0,
  retry_delay_seconds: 0,
  retries: null,
  retry_delay: null,
  retry_jitter_factor: null,
};

/** A stored task run as the API returns it. */
export function taskRunFromRow(row: TaskRunTable, now: number = Date.now()): TaskRun {
  const delta = estimatedStartTimeDelta(row, now);
  return {
    id: row.id,
    created: row.created,
    updated: row.updated,
    name: row.name,
    flow_run_id: row.flow_run_id,
    task_key: row.task_key,
    dynamic_key: row.dynamic_key,
    cache_key: row.cache_key,
    cache_expiration: row.cache_expiration,
    task_version: row.task_version,
    empirical_policy: { ...DEFAULT_TASK_RUN_POLICY, ...parseJson<Partial<TaskRunPolicy>>(row.empirical_policy, {}) },
    tags: parseJson(row.tags, []),
    labels: parseJson(row.labels, {}),
    state_id: row.state_id,
    task_inputs: parseJson(row.task_inputs, {}),
    state_type: (row.state_type as TaskRun["state_type"]) ?? null,
    state_name: row.state_name,
    run_count: row.run_count,
    flow_run_run_count: row.flow_run_run_count,
    expected_start_time: row.expected_start_time,
    next_scheduled_start_time: row.next_scheduled_start_time,
    start_time: row.start_time,
    end_time: row.end_time,
    total_run_time: row.total_run_time,
    estimated_run_time: estimatedRunTime(row, now),
    estimated_start_time_delta: delta,
    state: parseJson<State | null>(row.state, null),
  };
}
