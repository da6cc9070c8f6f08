import type { Logger } from "pino";
import type { FlowRun } from "../../schemas/index.js";

/** What a run of infrastructure reports when it ends. */
export interface InfrastructureResult {
  /** The orchestration container's / process's exit code; null when unknown (vanished). */
  exitCode: number | null;
  /** Signal name when a process was killed by one. */
  signal?: string | null;
  /** Infrastructure's own account of why it stopped (ECS `stoppedReason`, …). */
  reason?: string;
  /** An explanation for people, e.g. "CannotPullContainerError: the image does not exist". */
  explanation?: string;
}

export interface InfrastructureJob {
  flowRun: FlowRun;
  /** The rendered `job_configuration` of the pool's base job template. */
  configuration: Record<string, unknown>;
  logger: Logger;
  /** Lines the infrastructure wants in the run's logs (its stdout/stderr, explanations). */
  onOutput(line: string, stream: "stdout" | "stderr" | "infrastructure"): void;
  /** Called once the infrastructure has started (its id is durable from then on). */
  onStarted(infrastructurePid: string): Promise<void> | void;
}

/**
 * One kind of infrastructure (`process`, `ecs`). The worker calls `run` for each claimed run and
 * `kill` on cancellation; errors are the typed ones in ../errors.ts.
 */
export interface Infrastructure {
  readonly type: string;
  /** The default base job template for pools of this type. */
  readonly defaultBaseJobTemplate: Record<string, unknown>;
  setup(): Promise<void>;
  /** Starts the job, calls onStarted, and resolves when it has ended. Throws SubmissionError when it cannot start. */
  run(job: InfrastructureJob): Promise<InfrastructureResult>;
  /** Stops the infrastructure: graceful signal, then a forced stop after gracePeriodSeconds. */
  kill(infrastructurePid: string, configuration: Record<string, unknown>, gracePeriodSeconds: number): Promise<void>;
  teardown(): Promise<void>;
}
