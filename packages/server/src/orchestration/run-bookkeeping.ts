import { TERMINAL_STATE_TYPES, type State, type StateType } from "@ecsflow/schemas";
import { parseJson, toJson } from "../models/shared/json-columns.js";
import { secondsBetween } from "./state-timestamp.js";
import type { RunKind, RunRow } from "./transition-context.js";

const isTerminal = (type: StateType | null | undefined) => type !== null && type !== undefined && TERMINAL_STATE_TYPES.includes(type);

/**
 * The run columns that change when `next` is written over `current` (Prefect's global policy:
 * it applies to every written state, forced or not). Values are absolute, computed from the row
 * as read; the compare-and-set on the state id guarantees nobody changed them in between.
 */
export function transitionColumns(kind: RunKind, run: RunRow, current: State | null, next: State): Record<string, unknown> {
  const columns: Record<string, unknown> = {
    state_id: next.id,
    state_type: next.type,
    state_name: next.name,
    state_timestamp: next.timestamp,
    state: toJson(next),
    updated: next.timestamp,
  };

  // SetStartTime: the first time the run enters RUNNING.
  let startTime = run.start_time;
  if (next.type === "RUNNING" && !startTime) {
    startTime = next.timestamp;
    columns.start_time = startTime;
  }

  // SetEndTime: set on entering a terminal state (and a start time if it never ran), cleared on leaving one.
  if (current && isTerminal(current.type) && !isTerminal(next.type)) columns.end_time = null;
  if (isTerminal(next.type) && !run.end_time) {
    if (!startTime) columns.start_time = next.timestamp;
    columns.end_time = next.timestamp;
  }

  // IncrementRunTime: the time just spent RUNNING.
  if (current?.type === "RUNNING") {
    columns.total_run_time = run.total_run_time + Math.max(0, secondsBetween(current.timestamp, next.timestamp));
  }

  // SetExpectedStartTime: the first state decides when the run was expected to start.
  if (!run.expected_start_time) {
    columns.expected_start_time = next.type === "SCHEDULED" ? (next.state_details.scheduled_time ?? next.timestamp) : next.timestamp;
  }

  // SetNextScheduledStartTime: only a SCHEDULED run has one.
  if (current?.type === "SCHEDULED") columns.next_scheduled_start_time = null;
  if (next.type === "SCHEDULED") columns.next_scheduled_start_time = next.state_details.scheduled_time ?? next.timestamp;

  if (kind === "flow_run") {
    const policy = parseJson<{ resuming?: boolean | null }>(run.empirical_policy, {});
    // IncrementFlowRunCount: every attempt counts, except resuming a paused run. RUNNING → RUNNING
    // is the same attempt (a worker showed RUNNING for the command before the flow said so itself).
    if (next.type === "RUNNING" && current?.type !== "RUNNING" && !policy.resuming) columns.run_count = run.run_count + 1;
    // RemoveResumingIndicator: a resumed run that runs or finishes is no longer resuming.
    if ((next.type === "RUNNING" || isTerminal(next.type)) && policy.resuming) columns.empirical_policy = toJson({ ...policy, resuming: false });
  } else if (next.type === "RUNNING") {
    // IncrementTaskRunCount.
    columns.run_count = run.run_count + 1;
  }
  return columns;
}
