/**
 * A run changed: created, or moved to a new state (`GET /api/ecsflow/run_events`, ecsflow's own
 * endpoint). Small on purpose: it wakes a worker (a run became due, or is being cancelled) or a
 * page (a run it shows changed); both then read what they need through the API, so a lost event
 * only ever costs a poll.
 */
export interface RunEvent {
  kind: "flow_run" | "task_run";
  id: string;
  /** The flow run a task run belongs to; the run itself for a flow run. */
  flow_run_id: string | null;
  state_type: string | null;
  state_name: string | null;
  work_pool_name: string | null;
  work_queue_name: string | null;
  deployment_id: string | null;
  /** For a SCHEDULED run: when it is due. */
  scheduled_time: string | null;
  occurred: string;
}

/** `GET /api/ecsflow/capabilities`: what an ecsflow server offers beyond Prefect's API. */
export interface EcsflowCapabilities {
  run_events: string;
  set_state_preconditions: readonly string[];
  /** Where a worker reports a run's task usage for pricing (absent on older servers). */
  run_costs?: string;
  notifications?: string;
}
