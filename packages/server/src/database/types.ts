/**
 * Row types as stored. To keep one code path for both engines, JSON is stored as TEXT,
 * booleans as INTEGER 0/1 and timestamps as fixed-width ISO-8601 UTC TEXT
 * (`2026-11-29T04:58:23.123456Z`), which sorts and compares correctly as text on SQLite and
 * PostgreSQL alike. Ids are UUIDv7 (time-ordered), so ordering by id breaks timestamp ties in
 * insertion order and keeps index inserts local. Repositories convert rows to API objects.
 */
export type Json = string;
export type Bool = number;
export type Timestamp = string;

export interface FlowTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  name: string;
  tags: Json;
  labels: Json;
}

export interface DeploymentTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  name: string;
  flow_id: string;
  version: string | null;
  description: string | null;
  tags: Json;
  labels: Json;
  parameters: Json;
  parameter_openapi_schema: Json | null;
  enforce_parameter_schema: Bool;
  job_variables: Json;
  work_queue_id: string | null;
  work_queue_name: string | null;
  entrypoint: string | null;
  path: string | null;
  pull_steps: Json | null;
  storage_document_id: string | null;
  infrastructure_document_id: string | null;
  paused: Bool;
  status: string;
  concurrency_limit: number | null;
  concurrency_options: Json | null;
  last_polled: Timestamp | null;
  created_by: Json | null;
  updated_by: Json | null;
}

export interface DeploymentScheduleTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  deployment_id: string;
  schedule: Json;
  active: Bool;
  max_scheduled_runs: number | null;
  parameters: Json;
  slug: string | null;
}

/** Columns shared by flow runs and task runs: the run's current state is denormalised for one-row reads. */
interface RunColumns {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  name: string;
  state_id: string | null;
  state_type: string | null;
  state_name: string | null;
  state_timestamp: Timestamp | null;
  /** The whole current state object as the API returns it. */
  state: Json | null;
  empirical_policy: Json;
  tags: Json;
  labels: Json;
  run_count: number;
  expected_start_time: Timestamp | null;
  next_scheduled_start_time: Timestamp | null;
  start_time: Timestamp | null;
  end_time: Timestamp | null;
  total_run_time: number;
  estimated_run_time: number;
}

export interface FlowRunTable extends RunColumns {
  flow_id: string;
  deployment_id: string | null;
  deployment_version: string | null;
  flow_version: string | null;
  work_queue_id: string | null;
  work_queue_name: string | null;
  work_pool_id: string | null;
  work_pool_name: string | null;
  parameters: Json;
  idempotency_key: string | null;
  context: Json;
  parent_task_run_id: string | null;
  auto_scheduled: Bool;
  infrastructure_document_id: string | null;
  infrastructure_pid: string | null;
  job_variables: Json;
  created_by: Json | null;
}

export interface TaskRunTable extends RunColumns {
  flow_run_id: string | null;
  task_key: string;
  dynamic_key: string;
  cache_key: string | null;
  cache_expiration: Timestamp | null;
  task_version: string | null;
  task_inputs: Json;
  flow_run_run_count: number;
}

export interface StateTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  run_id: string;
  type: string;
  name: string;
  timestamp: Timestamp;
  message: string | null;
  state_details: Json;
  data: Json | null;
}

export interface WorkPoolTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  name: string;
  description: string | null;
  type: string;
  base_job_template: Json;
  is_paused: Bool;
  default_queue_id: string | null;
  concurrency_limit: number | null;
  status: string | null;
  storage_configuration: Json;
}

export interface WorkQueueTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  name: string;
  description: string | null;
  is_paused: Bool;
  concurrency_limit: number | null;
  priority: number;
  work_pool_id: string;
  last_polled: Timestamp | null;
  status: string;
}

export interface WorkerTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  name: string;
  work_pool_id: string;
  last_heartbeat_time: Timestamp;
  heartbeat_interval_seconds: number | null;
  status: string;
}

export interface LogTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  name: string;
  level: number;
  flow_run_id: string | null;
  task_run_id: string | null;
  message: string;
  timestamp: Timestamp;
}

/** Which server process runs a background service, until when (migration 0002). */
export interface ServiceLeaseTable {
  name: string;
  holder: string;
  expires: Timestamp;
}

/** A named JSON value (migration 0004); `value` is the JSON text, SQL NULL for a null value. */
export interface VariableTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  name: string;
  value: Json | null;
  tags: Json;
}

/** One artifact version (migration 0004); `data` and `metadata_` are JSON text, SQL NULL for null. */
export interface ArtifactTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  key: string | null;
  type: string | null;
  description: string | null;
  data: Json | null;
  metadata_: Json | null;
  flow_run_id: string | null;
  task_run_id: string | null;
}

/** The newest artifact of each key, copied (migration 0004); `id` is the key's own, stable across versions. */
export interface ArtifactCollectionTable extends Omit<ArtifactTable, "key"> {
  key: string;
  latest_id: string;
}

export interface ConcurrencyLimitTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  tag: string;
  concurrency_limit: number;
  /** JSON list of the ids of the task runs holding a slot. */
  active_slots: Json;
}

export interface ConcurrencyLimitV2Table {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  name: string;
  active: Bool;
  limit: number;
  active_slots: number;
  denied_slots: number;
  slot_decay_per_second: number;
  avg_slot_occupancy_seconds: number;
}

export interface TaskRunStateCacheTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  cache_key: string;
  cache_expiration: Timestamp | null;
  task_run_state_id: string;
}

/** Slots of global limits held until `expiration` (migration 0008). */
export interface ConcurrencyLeaseTable {
  id: string;
  created: Timestamp;
  expiration: Timestamp;
  /** Slots taken of each limit in `concurrency_lease_slot`. */
  slots: number;
  /** JSON `{type, id}` of the run or deployment holding the lease, or null. */
  holder: Json | null;
}

/** One limit whose slots a lease still holds; deleted when they are given back. */
export interface ConcurrencyLeaseSlotTable {
  lease_id: string;
  limit_id: string;
}

/** A flow run's key/value input (migration 0008). */
export interface FlowRunInputTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  flow_run_id: string;
  key: string;
  value: string;
  sender: string | null;
}

/** A flow run's ECS cost, reported by its worker when the task stopped (migration 0007). */
export interface FlowRunCostTable {
  flow_run_id: string;
  created: Timestamp;
  updated: Timestamp;
  launch_type: string;
  capacity_provider: string | null;
  cpu_architecture: string | null;
  region: string | null;
  cpu_units: number | null;
  memory_mib: number | null;
  instance_type: string | null;
  started_at: Timestamp | null;
  stopped_at: Timestamp | null;
  billed_seconds: number | null;
  /** Null when the prices table has no price for it (`pricing` says why). */
  cost_usd: number | null;
  /** How the cost was priced, or why it could not be, in words. */
  pricing: string;
}

/** A webhook subscribed to run states (migration 0007). `secret` signs deliveries; the API never returns it after creation. */
export interface NotificationSubscriptionTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  name: string;
  url: string;
  format: string;
  secret: string;
  state_types: Json;
  state_names: Json;
  deployment_ids: Json;
  work_pool_names: Json;
  tags: Json;
  last_delivery_status: string | null;
  last_delivery_attempts: number | null;
  last_delivery_error: string | null;
  last_delivery_at: Timestamp | null;
}

/** One webhook call to make (or made) for one state transition (migration 0007). */
export interface NotificationDeliveryTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  subscription_id: string;
  flow_run_id: string;
  body: Json;
  /** PENDING until DELIVERED, or FAILED after the last attempt. */
  status: string;
  attempts: number;
  next_attempt_at: Timestamp;
  last_status_code: number | null;
  last_error: string | null;
}

export interface DB {
  flow: FlowTable;
  deployment: DeploymentTable;
  deployment_schedule: DeploymentScheduleTable;
  flow_run: FlowRunTable;
  flow_run_state: StateTable;
  task_run: TaskRunTable;
  task_run_state: StateTable;
  work_pool: WorkPoolTable;
  work_queue: WorkQueueTable;
  worker: WorkerTable;
  log: LogTable;
  service_lease: ServiceLeaseTable;
  block_type: BlockTypeTable;
  block_schema: BlockSchemaTable;
  block_document: BlockDocumentTable;
  block_document_reference: BlockDocumentReferenceTable;
  variable: VariableTable;
  artifact: ArtifactTable;
  artifact_collection: ArtifactCollectionTable;
  concurrency_limit: ConcurrencyLimitTable;
  concurrency_limit_v2: ConcurrencyLimitV2Table;
  task_run_state_cache: TaskRunStateCacheTable;
  flow_run_cost: FlowRunCostTable;
  notification_subscription: NotificationSubscriptionTable;
  notification_delivery: NotificationDeliveryTable;
  concurrency_lease: ConcurrencyLeaseTable;
  concurrency_lease_slot: ConcurrencyLeaseSlotTable;
  flow_run_input: FlowRunInputTable;
}

/** Prefect's blocks (migration 0006). */
export interface BlockTypeTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  name: string;
  slug: string;
  logo_url: string | null;
  documentation_url: string | null;
  description: string | null;
  code_example: string | null;
  is_protected: Bool;
}

export interface BlockSchemaTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  checksum: string;
  fields: Json;
  block_type_id: string;
  capabilities: Json;
  version: string;
}

export interface BlockDocumentTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  name: string;
  /** The data without its references to other documents (those are rows of block_document_reference). */
  data: Json;
  is_anonymous: Bool;
  block_schema_id: string;
  block_type_id: string;
}

export interface BlockDocumentReferenceTable {
  id: string;
  created: Timestamp;
  updated: Timestamp;
  name: string;
  parent_block_document_id: string;
  reference_block_document_id: string;
}
