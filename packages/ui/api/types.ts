// The subset of Prefect's REST API shapes the UI reads (reference/prefect-rest-api.openapi.json).
// The UI keeps its own copy because it talks to the server over HTTP only (DESIGN.md).

export const STATE_TYPES = ["SCHEDULED", "PENDING", "RUNNING", "COMPLETED", "FAILED", "CANCELLED", "CRASHED", "PAUSED", "CANCELLING"] as const;
export type StateType = (typeof STATE_TYPES)[number];
export const TERMINAL_STATE_TYPES: readonly StateType[] = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"];

export type JsonObject = Record<string, unknown>;

export interface State {
  id: string;
  type: StateType;
  name: string | null;
  timestamp: string;
  message: string | null;
  state_details?: JsonObject;
}

export interface FlowRun {
  id: string;
  name: string;
  flow_id: string;
  deployment_id: string | null;
  work_queue_name: string | null;
  work_pool_name: string | null;
  parameters: JsonObject;
  job_variables: JsonObject | null;
  tags: string[];
  state_type: StateType | null;
  state_name: string | null;
  state: State | null;
  run_count: number;
  expected_start_time: string | null;
  start_time: string | null;
  end_time: string | null;
  total_run_time: number;
  estimated_run_time: number;
  infrastructure_pid: string | null;
  /** Key/value facts on the run; the ECS worker records its task's definition and launch type here (ecs.*). */
  labels?: Record<string, unknown>;
  created: string;
  updated: string;
}

export interface TaskRun {
  id: string;
  name: string;
  flow_run_id: string | null;
  task_key: string;
  state_type: StateType | null;
  state_name: string | null;
  start_time: string | null;
  end_time: string | null;
  expected_start_time: string | null;
  total_run_time: number;
  estimated_run_time?: number;
}

export interface Flow {
  id: string;
  name: string;
  tags: string[];
  created: string;
}

export interface DeploymentSchedule {
  id: string;
  active: boolean;
  schedule: { interval?: number; cron?: string; rrule?: string; timezone?: string | null; anchor_date?: string };
}

export interface Deployment {
  id: string;
  name: string;
  flow_id: string;
  description: string | null;
  version: string | null;
  paused: boolean;
  status?: "READY" | "NOT_READY" | null;
  schedules: DeploymentSchedule[];
  parameters: JsonObject;
  parameter_openapi_schema: JsonObject | null;
  job_variables: JsonObject;
  tags: string[];
  work_pool_name: string | null;
  work_queue_name: string | null;
  enforce_parameter_schema?: boolean;
  created: string;
  updated: string;
}

export interface BaseJobTemplate {
  job_configuration?: JsonObject;
  variables?: { type?: string; properties?: Record<string, JsonObject>; required?: string[] } & JsonObject;
}

export interface WorkPool {
  id: string;
  name: string;
  description: string | null;
  type: string;
  base_job_template: BaseJobTemplate;
  is_paused: boolean;
  concurrency_limit: number | null;
  status?: "READY" | "NOT_READY" | "PAUSED" | null;
  default_queue_id?: string | null;
  created: string;
}

export interface WorkQueue {
  id: string;
  name: string;
  description: string | null;
  is_paused: boolean;
  concurrency_limit: number | null;
  priority: number;
  work_pool_name?: string | null;
  last_polled: string | null;
  status?: "READY" | "NOT_READY" | "PAUSED" | null;
}

export interface Worker {
  id: string;
  name: string;
  last_heartbeat_time: string | null;
  heartbeat_interval_seconds?: number | null;
  status: "ONLINE" | "OFFLINE";
}

export interface LogEntry {
  id: string;
  name: string;
  level: number;
  message: string;
  timestamp: string;
  flow_run_id: string | null;
  task_run_id: string | null;
}

export interface OrchestrationResult {
  state: State | null;
  status: "ACCEPT" | "REJECT" | "ABORT" | "WAIT";
  details: { type: string; reason?: string | null; delay_seconds?: number };
}

export interface HistoryInterval {
  interval_start: string;
  interval_end: string;
  states: { state_type: StateType; state_name: string; count_runs: number }[];
}

/** One item of FastAPI's 422 body (`HTTPValidationError.detail`). */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type?: string;
}
