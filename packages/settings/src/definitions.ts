import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Every setting ecsflow reads, in one table: its type, the environment names that set it (first
 * match wins; ECSFLOW_* before PREFECT_* so ours can override a Prefect profile), and its default.
 * `secret` settings are never printed by `ecsflow config` nor logged.
 */
export interface SettingDefinition {
  type: "string" | "number" | "boolean";
  env: readonly string[];
  default?: string | number | boolean | ((partial: Record<string, unknown>) => string | number | boolean | undefined);
  secret?: boolean;
  description: string;
}

export const SETTING_DEFINITIONS = {
  home: {
    type: "string",
    env: ["ECSFLOW_HOME"],
    default: () => join(homedir(), ".ecsflow"),
    description: "Folder for the default SQLite database, the profile file and local state.",
  },
  "api.url": {
    type: "string",
    env: ["ECSFLOW_API_URL", "PREFECT_API_URL"],
    description: "URL of the ecsflow (or Prefect) API that clients, workers and flows talk to, e.g. http://127.0.0.1:4200/api.",
  },
  "api.key": {
    type: "string",
    env: ["ECSFLOW_API_KEY", "PREFECT_API_KEY"],
    secret: true,
    description: "API key sent as a Bearer token.",
  },
  "api.auth_string": {
    type: "string",
    env: ["ECSFLOW_API_AUTH_STRING", "PREFECT_API_AUTH_STRING"],
    secret: true,
    description: "USER:PASS sent with HTTP Basic auth (Prefect's self-hosted server auth).",
  },
  "server.host": {
    type: "string",
    env: ["ECSFLOW_SERVER_HOST", "PREFECT_SERVER_API_HOST"],
    default: "127.0.0.1",
    description: "Address the server binds to. Loopback unless you say otherwise.",
  },
  "server.port": {
    type: "number",
    env: ["ECSFLOW_SERVER_PORT", "PREFECT_SERVER_API_PORT"],
    default: 4200,
    description: "Port the server listens on.",
  },
  "server.database_url": {
    type: "string",
    env: ["ECSFLOW_DATABASE_URL", "PREFECT_API_DATABASE_CONNECTION_URL"],
    default: (s) => `sqlite://${join(String(s.home), "ecsflow.db")}`,
    secret: true,
    description: "sqlite:///path/to/file.db (default under the home folder) or postgresql://user@host:5432/db.",
  },
  "server.api_key": {
    type: "string",
    env: ["ECSFLOW_SERVER_API_KEY"],
    secret: true,
    description: "When set, every endpoint but /api/health requires `Authorization: Bearer <key>`.",
  },
  "server.auth_string": {
    type: "string",
    env: ["ECSFLOW_SERVER_AUTH_STRING", "PREFECT_SERVER_API_AUTH_STRING"],
    secret: true,
    description: "When set (USER:PASS), every endpoint but /api/health requires HTTP Basic auth.",
  },
  "server.body_limit_bytes": {
    type: "number",
    env: ["ECSFLOW_SERVER_BODY_LIMIT_BYTES"],
    default: 1_048_576,
    description: "Largest request body the server accepts.",
  },
  "aws.region": {
    type: "string",
    env: ["ECSFLOW_AWS_REGION"],
    description: "AWS Region of the ECS worker. Unset, the AWS SDK resolves it as usual (AWS_REGION, AWS_DEFAULT_REGION, the profile).",
  },
  "aws.endpoint_url": {
    type: "string",
    env: ["ECSFLOW_AWS_ENDPOINT_URL"],
    description: "Endpoint the ECS worker sends every AWS call to, e.g. ecs-local's http://127.0.0.1:4566. Unset, AWS's (or the SDK's AWS_ENDPOINT_URL).",
  },
  "worker.orphaned_claim_seconds": {
    type: "number",
    env: ["ECSFLOW_WORKER_ORPHANED_CLAIM_SECONDS"],
    description:
      "A restarted worker whose infrastructure cannot relaunch idempotently (process) reschedules a claimed run that has shown no infrastructure for this long: its claimant stopped before starting it.",
  },
  "worker.ecs.default_image": {
    type: "string",
    env: ["ECSFLOW_ECS_DEFAULT_IMAGE"],
    description: "Image of an ECS run's orchestration container when neither the work pool's template nor the `image` job variable names one.",
  },
  "worker.ecs.task_events_queue_url": {
    type: "string",
    env: ["ECSFLOW_ECS_TASK_EVENTS_QUEUE_URL"],
    description:
      "SQS queue an EventBridge rule sends ECS Task State Change events to: the ECS worker then watches its tasks by events, with DescribeTasks only as a slow fallback. Unset, it polls DescribeTasks.",
  },
  "logging.level": {
    type: "string",
    env: ["ECSFLOW_LOGGING_LEVEL", "PREFECT_LOGGING_LEVEL"],
    default: "info",
    description: "trace, debug, info, warn, error or fatal.",
  },
  "logging.format": {
    type: "string",
    env: ["ECSFLOW_LOGGING_FORMAT"],
    default: "json",
    description: "json (one object a line) or pretty.",
  },
  // Orchestration and background services (server).
  "orchestration.deployment_concurrency_slot_wait_seconds": {
    type: "number",
    env: ["ECSFLOW_DEPLOYMENT_CONCURRENCY_SLOT_WAIT_SECONDS", "PREFECT_DEPLOYMENT_CONCURRENCY_SLOT_WAIT_SECONDS"],
    default: 30,
    description: "How long a run refused a deployment concurrency slot waits (AwaitingConcurrencySlot) before it is proposed again.",
  },
  "services.late_runs.enabled": {
    type: "boolean",
    env: ["ECSFLOW_SERVICES_LATE_RUNS_ENABLED", "PREFECT_SERVER_SERVICES_LATE_RUNS_ENABLED"],
    default: true,
    description: "Mark SCHEDULED runs that are past due as Late.",
  },
  "services.late_runs.loop_seconds": {
    type: "number",
    env: ["ECSFLOW_SERVICES_LATE_RUNS_LOOP_SECONDS", "PREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS"],
    default: 5,
    description: "Seconds between passes of the late-runs service.",
  },
  "services.late_runs.after_seconds": {
    type: "number",
    env: ["ECSFLOW_SERVICES_LATE_RUNS_AFTER_SECONDS", "PREFECT_SERVER_SERVICES_LATE_RUNS_AFTER_SECONDS"],
    default: 15,
    description: "How far past its scheduled time a SCHEDULED run becomes Late.",
  },
  "services.cancellation_cleanup.enabled": {
    type: "boolean",
    env: ["ECSFLOW_SERVICES_CANCELLATION_CLEANUP_ENABLED", "PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_ENABLED"],
    default: true,
    description: "Mark runs stuck in CANCELLING as CANCELLED after a timeout.",
  },
  "services.cancellation_cleanup.loop_seconds": {
    type: "number",
    env: ["ECSFLOW_SERVICES_CANCELLATION_CLEANUP_LOOP_SECONDS", "PREFECT_SERVER_SERVICES_CANCELLATION_CLEANUP_LOOP_SECONDS"],
    default: 20,
    description: "Seconds between passes of the cancellation-cleanup service.",
  },
  "services.cancellation_cleanup.timeout_seconds": {
    type: "number",
    env: ["ECSFLOW_SERVICES_CANCELLATION_CLEANUP_TIMEOUT_SECONDS"],
    default: 300,
    description: "How long a run may stay CANCELLING before the server marks it CANCELLED.",
  },
  "services.orphan_recovery.enabled": {
    type: "boolean",
    env: ["ECSFLOW_SERVICES_ORPHAN_RECOVERY_ENABLED"],
    default: true,
    description: "Reschedule runs left PENDING by workers that went offline.",
  },
  "services.orphan_recovery.loop_seconds": {
    type: "number",
    env: ["ECSFLOW_SERVICES_ORPHAN_RECOVERY_LOOP_SECONDS"],
    default: 30,
    description: "Seconds between passes of the orphan-recovery service.",
  },
  "services.orphan_recovery.timeout_seconds": {
    type: "number",
    env: ["ECSFLOW_SERVICES_ORPHAN_RECOVERY_TIMEOUT_SECONDS"],
    default: 300,
    description: "How long a run may stay PENDING, with no online worker in its pool, before it is rescheduled.",
  },
  "services.scheduler.enabled": {
    type: "boolean",
    env: ["ECSFLOW_SERVICES_SCHEDULER_ENABLED", "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED"],
    default: true,
    description: "Create the runs of deployments' schedules ahead of time.",
  },
  "services.scheduler.loop_seconds": {
    type: "number",
    env: ["ECSFLOW_SERVICES_SCHEDULER_LOOP_SECONDS", "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS"],
    default: 60,
    description: "Seconds between passes of the scheduler.",
  },
  "services.scheduler.min_runs": {
    type: "number",
    env: ["ECSFLOW_SERVICES_SCHEDULER_MIN_RUNS", "PREFECT_SERVER_SERVICES_SCHEDULER_MIN_RUNS"],
    default: 3,
    description: "The scheduler keeps at least this many runs of each schedule ahead.",
  },
  "services.scheduler.max_runs": {
    type: "number",
    env: ["ECSFLOW_SERVICES_SCHEDULER_MAX_RUNS", "PREFECT_SERVER_SERVICES_SCHEDULER_MAX_RUNS"],
    default: 100,
    description: "The scheduler creates at most this many runs of each schedule ahead.",
  },
  "services.notification_delivery.enabled": {
    type: "boolean",
    env: ["ECSFLOW_SERVICES_NOTIFICATION_DELIVERY_ENABLED"],
    default: true,
    description: "Send queued webhook notifications (ecsflow notification create).",
  },
  "services.notification_delivery.loop_seconds": {
    type: "number",
    env: ["ECSFLOW_SERVICES_NOTIFICATION_DELIVERY_LOOP_SECONDS"],
    default: 2,
    description: "Seconds between passes of the notification-delivery service.",
  },
  "services.notification_delivery.max_attempts": {
    type: "number",
    env: ["ECSFLOW_SERVICES_NOTIFICATION_DELIVERY_MAX_ATTEMPTS"],
    default: 8,
    description: "Attempts per webhook delivery before it is marked FAILED (waits double from 5 s, at most 5 min).",
  },
  "sdk.esbuild_binary": {
    type: "string",
    env: ["ECSFLOW_ESBUILD_BINARY", "ESBUILD_BINARY_PATH"],
    description: "esbuild executable that builds TypeScript entrypoints to plain JavaScript (default: the one installed with ecsflow). A path that does not exist makes the executor load TypeScript through tsx's loader instead (slower start).",
  },
  "flow_run.id": {
    type: "string",
    env: ["PREFECT__FLOW_RUN_ID"],
    description: "The flow run `ecsflow flow-run execute` runs; the worker sets it in each task's environment.",
  },
} as const satisfies Record<string, SettingDefinition>;

export type SettingKey = keyof typeof SETTING_DEFINITIONS;

type ValueOf<D> = D extends { type: "number" } ? number : D extends { type: "boolean" } ? boolean : string;
type HasDefault<D> = D extends { default: unknown } ? true : false;

/** Resolved settings: keys with a default are always present. */
export type Settings = {
  [K in SettingKey as HasDefault<(typeof SETTING_DEFINITIONS)[K]> extends true ? K : never]: ValueOf<(typeof SETTING_DEFINITIONS)[K]>;
} & {
  [K in SettingKey as HasDefault<(typeof SETTING_DEFINITIONS)[K]> extends true ? never : K]?: ValueOf<(typeof SETTING_DEFINITIONS)[K]>;
};
