import type { FlowRunTable } from "../../database/index.js";
import { generateRunName } from "./run-names.js";

/**
 * A new flow run row with every column at its default; callers set what they know (the API
 * request, or the scheduler's deployment and schedule). Its first state comes separately
 * (`initialStateColumns`), so every way a run is created stores the same shape.
 */
export function newFlowRunRow(id: string, now: string, fields: Partial<FlowRunTable> & Pick<FlowRunTable, "flow_id">): FlowRunTable {
  return {
    id,
    created: now,
    updated: now,
    name: generateRunName(),
    state_id: null,
    state_type: null,
    state_name: null,
    state_timestamp: null,
    state: null,
    empirical_policy: "{}",
    tags: "[]",
    labels: "{}",
    run_count: 0,
    expected_start_time: null,
    next_scheduled_start_time: null,
    start_time: null,
    end_time: null,
    total_run_time: 0,
    estimated_run_time: 0,
    deployment_id: null,
    deployment_version: null,
    flow_version: null,
    work_queue_id: null,
    work_queue_name: null,
    work_pool_id: null,
    work_pool_name: null,
    parameters: "{}",
    idempotency_key: null,
    context: "{}",
    parent_task_run_id: null,
    auto_scheduled: 0,
    infrastructure_document_id: null,
    infrastructure_pid: null,
    job_variables: "{}",
    created_by: null,
    ...fields,
  };
}
