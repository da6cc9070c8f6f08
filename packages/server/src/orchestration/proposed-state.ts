import { DEFAULT_STATE_NAMES, type State, type StateCreate, type StateDetails } from "@ecsflow/schemas";
import { newId } from "../ids.js";
import { normalizeTimestamp, toTimestamp } from "../timestamps.js";
import { nextStateTimestamp } from "./state-timestamp.js";
import type { ProposedState, RunKind, RunRow } from "./transition-context.js";

/** Every StateDetails key with Prefect's defaults, so stored and returned states have one shape. */
export function completeStateDetails(details: StateDetails | undefined): StateDetails {
  const d = details ?? {};
  const time = (v: string | null | undefined) => (v ? normalizeTimestamp(v) : null);
  return {
    flow_run_id: d.flow_run_id ?? null,
    task_run_id: d.task_run_id ?? null,
    child_flow_run_id: d.child_flow_run_id ?? null,
    scheduled_time: time(d.scheduled_time),
    cache_key: d.cache_key ?? null,
    cache_expiration: time(d.cache_expiration),
    deferred: d.deferred ?? false,
    untrackable_result: d.untrackable_result ?? false,
    pause_timeout: time(d.pause_timeout),
    pause_reschedule: d.pause_reschedule ?? false,
    pause_key: d.pause_key ?? null,
    run_input_keyset: d.run_input_keyset ?? null,
    refresh_cache: d.refresh_cache ?? null,
    retriable: d.retriable ?? null,
    transition_id: d.transition_id ?? null,
    task_parameters_id: d.task_parameters_id ?? null,
    traceparent: d.traceparent ?? null,
    deployment_concurrency_lease_id: d.deployment_concurrency_lease_id ?? null,
  };
}

/**
 * A client's proposed state with Prefect's defaults: the name from the type, and for SCHEDULED
 * a scheduled time of now. A client-sent `timestamp` is ignored: the server's clock orders
 * a run's states (Prefect's StateCreate has no timestamp at all).
 */
export function proposedStateFrom(input: StateCreate, now: number): ProposedState {
  const state_details = completeStateDetails(input.state_details);
  if (input.type === "SCHEDULED" && !state_details.scheduled_time) state_details.scheduled_time = toTimestamp(now);
  return {
    type: input.type,
    name: input.name ?? DEFAULT_STATE_NAMES[input.type],
    message: input.message ?? null,
    data: input.data ?? null,
    state_details,
  };
}

/**
 * The state as it will be written: a new id, a timestamp after the run's current state, and
 * the references to its run in `state_details` (Prefect's UpdateStateDetails and
 * UpdateSubflowStateDetails).
 */
export function materializeState(kind: RunKind, run: RunRow, proposed: ProposedState, current: State | null, now: number): State {
  const timestamp = nextStateTimestamp(toTimestamp(now), current?.timestamp);
  const state_details: StateDetails = { ...proposed.state_details };
  if (proposed.type === "SCHEDULED" && !state_details.scheduled_time) state_details.scheduled_time = timestamp;
  if (kind === "flow_run") {
    state_details.flow_run_id = run.id;
    const parent = (run as { parent_task_run_id?: string | null }).parent_task_run_id;
    if (parent) state_details.task_run_id = parent;
  } else {
    state_details.flow_run_id = (run as { flow_run_id?: string | null }).flow_run_id ?? null;
    state_details.task_run_id = run.id;
  }
  return {
    id: newId(now),
    type: proposed.type,
    name: proposed.name,
    timestamp,
    message: proposed.message,
    data: proposed.data,
    state_details,
  };
}
