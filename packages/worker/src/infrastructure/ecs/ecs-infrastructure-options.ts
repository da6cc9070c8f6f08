import type { WorkerMetrics } from "../../metrics/index.js";
import pino, { type Logger } from "pino";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { BucketLimit, BucketName } from "./rate-budget.js";
import { DEFAULT_REGISTER_POLICY } from "./register-task-definition.js";
import type { BackoffPolicy } from "./retry-with-backoff.js";
import { DEFAULT_RUN_TASK_POLICY, type RunTaskPolicy } from "./run-task.js";

export interface EcsInfrastructureOptions {
  /** Where AWS calls, rate-budget waits and DescribeTasks batches are counted. @default defaultWorkerMetrics */
  metrics?: WorkerMetrics;
  /** The worker's logger (setup, teardown and call logs; runs log to their job's logger). @default silent */
  logger?: Logger;
  /** AWS Region. @default the SDK's resolution (AWS_REGION, the profile) */
  region?: string;
  /** Endpoint override for every AWS service, e.g. ecs-local's URL. @default AWS's */
  endpoint?: string;
  /** Credentials. @default the SDK's default chain (environment, profile, ECS task role, …) */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Named profile for the default chain. */
  profile?: string;
  /** Image of the orchestration container when neither the template nor `image` names one. @default "ecsflow/ecsflow:latest" */
  defaultImage?: string;
  /** Values masked in every log line and error (the API key the worker hands to runs, …). */
  secrets?: (string | undefined | null)[];
  /** Client-side rate budgets per AWS call family (see rate-budget.ts for the defaults). */
  budgets?: Partial<Record<BucketName, BucketLimit>>;
  /** Retries of RunTask's capacity failures and throttling. */
  runTaskPolicy?: Partial<RunTaskPolicy>;
  /** Retries of RegisterTaskDefinition. */
  registerPolicy?: BackoffPolicy;
  /** The shared DescribeTasks watcher's timing. */
  watcher?: { minRoundGapMs?: number; firstCheckMs?: number; missingAfterMs?: number; stopWaitMs?: number; eventFallbackMs?: number };
  /**
   * Watch tasks by their ECS Task State Change events: the SQS queue an EventBridge rule sends them
   * to. DescribeTasks stays as the fallback. @default none (polling only)
   */
  taskEvents?: { queueUrl: string; waitTimeSeconds?: number };
  /** CloudWatch log streaming's timing. */
  logStreaming?: { minIntervalMs?: number; maxIntervalMs?: number };
  /** Lines of a crashed run's log stream shown when it was not streamed. @default 50 */
  backfillLines?: number;
  /** Attempts per SDK call (the SDK's own retries of network errors). @default 2 */
  maxAttempts?: number;
  /** Ask STS who the worker is at setup (a warning when it cannot). @default true */
  checkCredentialsOnSetup?: boolean;
}

export interface CompiledEcsInfrastructureOptions {
  logger: Logger;
  region?: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  profile?: string;
  defaultImage: string;
  secrets: string[];
  budgets: Partial<Record<BucketName, BucketLimit>>;
  runTaskPolicy: RunTaskPolicy;
  registerPolicy: BackoffPolicy;
  watcher: { minRoundGapMs?: number; firstCheckMs?: number; missingAfterMs?: number; stopWaitMs?: number; eventFallbackMs?: number };
  taskEvents?: { queueUrl: string; waitTimeSeconds?: number };
  logStreaming: { minIntervalMs?: number; maxIntervalMs?: number };
  backfillLines: number;
  maxAttempts: number;
  checkCredentialsOnSetup: boolean;
}

export class EcsInfrastructureOptionsError extends Error {
  override readonly name = "EcsInfrastructureOptionsError";
  readonly code = "INVALID_ECS_OPTIONS";
  constructor(
    message: string,
    readonly option: string,
  ) {
    super(message);
  }
}

/** Fills defaults once and rejects bad values, so the rest of the ECS infrastructure trusts its options. */
export function compileEcsInfrastructureOptions(options: EcsInfrastructureOptions): CompiledEcsInfrastructureOptions {
  for (const [name, limit] of Object.entries(options.budgets ?? {})) {
    if (!limit || !(limit.burst >= 1) || !(limit.ratePerSecond > 0)) throw new EcsInfrastructureOptionsError(`Budget ${name} needs burst ≥ 1 and ratePerSecond > 0.`, "budgets");
  }
  if (options.endpoint !== undefined) {
    try {
      new URL(options.endpoint);
    } catch {
      throw new EcsInfrastructureOptionsError(`endpoint must be a URL, got ${JSON.stringify(options.endpoint)}.`, "endpoint");
    }
  }
  if (options.taskEvents !== undefined) {
    try {
      new URL(options.taskEvents.queueUrl);
    } catch {
      throw new EcsInfrastructureOptionsError(`taskEvents.queueUrl must be an SQS queue URL, got ${JSON.stringify(options.taskEvents.queueUrl)}.`, "taskEvents");
    }
    const wait = options.taskEvents.waitTimeSeconds;
    if (wait !== undefined && (!Number.isInteger(wait) || wait < 0 || wait > 20)) throw new EcsInfrastructureOptionsError("taskEvents.waitTimeSeconds must be 0–20.", "taskEvents");
  }
  const backfillLines = options.backfillLines ?? 50;
  if (!Number.isInteger(backfillLines) || backfillLines < 0 || backfillLines > 10_000) throw new EcsInfrastructureOptionsError("backfillLines must be 0–10000.", "backfillLines");
  return {
    logger: options.logger ?? pino({ level: "silent" }),
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    profile: options.profile,
    defaultImage: options.defaultImage ?? "ecsflow/ecsflow:latest",
    secrets: (options.secrets ?? []).filter((s): s is string => typeof s === "string" && s !== ""),
    budgets: options.budgets ?? {},
    runTaskPolicy: {
      failures: { ...DEFAULT_RUN_TASK_POLICY.failures, ...options.runTaskPolicy?.failures },
      throttling: { ...DEFAULT_RUN_TASK_POLICY.throttling, ...options.runTaskPolicy?.throttling },
    },
    registerPolicy: options.registerPolicy ?? DEFAULT_REGISTER_POLICY,
    watcher: options.watcher ?? {},
    taskEvents: options.taskEvents,
    logStreaming: options.logStreaming ?? {},
    backfillLines,
    maxAttempts: options.maxAttempts ?? 2,
    checkCredentialsOnSetup: options.checkCredentialsOnSetup ?? true,
  };
}
