import type { Logger } from "pino";
import type { EcsflowClient } from "@ecsflow/client";
import type { Infrastructure } from "./infrastructure/infrastructure.js";
import { defaultWorkerMetrics, type WorkerMetrics } from "./metrics/index.js";

export interface WorkerOptions {
  client: EcsflowClient;
  /** Where log lines shipped and run due → started are counted. @default defaultWorkerMetrics */
  metrics?: WorkerMetrics;
  infrastructure: Infrastructure;
  logger: Logger;
  workPoolName: string;
  /** Poll only these queues; all of the pool's queues when empty. */
  workQueueNames?: string[];
  /** @default `<type>-worker-<hostname>-<4 hex>` */
  name?: string;
  /** Concurrent runs on this worker. @default unlimited */
  limit?: number | null;
  /** Claim runs due within this many seconds. @default 10 */
  prefetchSeconds?: number;
  /** Poll at least this often (a wake-up may come sooner). @default 10 */
  pollIntervalSeconds?: number;
  /** @default 30 */
  heartbeatIntervalSeconds?: number;
  /** How often to look for runs to cancel. @default 5 */
  cancellationPollSeconds?: number;
  /** SIGTERM-to-SIGKILL (or StopTask) grace on cancel. @default 30 */
  killGraceSeconds?: number;
  /**
   * After a restart, a claimed (PENDING) run with no infrastructure recorded or found this long
   * after its claim is rescheduled, when the infrastructure cannot relaunch idempotently. @default 60
   */
  orphanedClaimSeconds?: number;
  /** @default true */
  createPoolIfNotFound?: boolean;
  /** Poll once, wait for those runs, then stop. @default false */
  runOnce?: boolean;
  /** API URL stamped into runs as PREFECT_API_URL. @default the client's URL */
  apiUrlForRuns?: string;
  /** API key stamped into runs (unless the template injects it as a secret). */
  apiKeyForRuns?: string;
  /** The host environment for `{{ $VAR }}` placeholders (and, for `process`, the base env of runs). */
  hostEnv: Readonly<Record<string, string | undefined>>;
  /** ecsflow's version for the `ecsflow.io/version` label. */
  version?: string;
}

export type CompiledWorkerOptions = Required<Omit<WorkerOptions, "limit" | "apiKeyForRuns" | "version">> &
  Pick<WorkerOptions, "apiKeyForRuns" | "version"> & { limit: number | null };

export class WorkerOptionsError extends Error {
  override readonly name = "WorkerOptionsError";
  readonly code = "WORKER_OPTIONS";
}

/** Fills defaults once and rejects bad combinations before anything connects. */
export function compileWorkerOptions(options: WorkerOptions, hostname: string, random: string): CompiledWorkerOptions {
  const positive = (name: string, value: number | undefined | null, def: number, allowZero = false) => {
    const v = value ?? def;
    if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) throw new WorkerOptionsError(`${name} must be a positive number, got ${String(value)}.`);
    return v;
  };
  if (!options.workPoolName || !/^[^/%&><]+$/.test(options.workPoolName)) {
    throw new WorkerOptionsError(`Invalid work pool name ${JSON.stringify(options.workPoolName)}.`);
  }
  const limit = options.limit ?? null;
  if (limit !== null && (!Number.isInteger(limit) || limit < 1)) throw new WorkerOptionsError(`limit must be a whole number ≥ 1, got ${limit}.`);
  return {
    client: options.client,
    metrics: options.metrics ?? defaultWorkerMetrics,
    infrastructure: options.infrastructure,
    logger: options.logger,
    workPoolName: options.workPoolName,
    workQueueNames: options.workQueueNames ?? [],
    name: options.name ?? `${options.infrastructure.type}-worker-${hostname}-${random}`,
    limit,
    prefetchSeconds: positive("prefetchSeconds", options.prefetchSeconds, 10, true),
    pollIntervalSeconds: positive("pollIntervalSeconds", options.pollIntervalSeconds, 10),
    heartbeatIntervalSeconds: positive("heartbeatIntervalSeconds", options.heartbeatIntervalSeconds, 30),
    cancellationPollSeconds: positive("cancellationPollSeconds", options.cancellationPollSeconds, 5),
    killGraceSeconds: positive("killGraceSeconds", options.killGraceSeconds, 30, true),
    orphanedClaimSeconds: positive("orphanedClaimSeconds", options.orphanedClaimSeconds, 60, true),
    createPoolIfNotFound: options.createPoolIfNotFound ?? true,
    runOnce: options.runOnce ?? false,
    apiUrlForRuns: options.apiUrlForRuns ?? options.client.apiUrl,
    apiKeyForRuns: options.apiKeyForRuns,
    hostEnv: options.hostEnv,
    version: options.version,
  };
}
