import type { Logger } from "pino";
import type { FlowRun, RunUsage } from "@ecsflow/schemas";

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
  /**
   * Stopped from outside before it finished (an outside StopTask, a Spot interruption): the run did
   * not succeed even when its command exited 0 on SIGTERM.
   */
  interrupted?: boolean;
  /** What the infrastructure used, for the server to price (ECS: from the stopped task). */
  usage?: RunUsage;
}

export interface InfrastructureJob {
  flowRun: FlowRun;
  /** The rendered `job_configuration` of the pool's base job template. */
  configuration: Record<string, unknown>;
  logger: Logger;
  /** Lines the infrastructure wants in the run's logs (its stdout/stderr, explanations). */
  onOutput(line: string, stream: "stdout" | "stderr" | "infrastructure"): void;
  /**
   * Called once the infrastructure has started (its id is durable from then on). `labels` are facts
   * about it worth keeping on the run (ECS: the task definition revision and launch type); the
   * worker merges them into the flow run's labels.
   */
  onStarted(infrastructurePid: string, labels?: Record<string, string>): Promise<void> | void;
  /**
   * Optional: called once when the run's command is actually running (process spawned, ECS task
   * RUNNING), so the worker can show RUNNING for commands that never talk to the API.
   */
  onRunning?(): void;
}

/** Infrastructure a pool's workers started, as found after a worker restart (see Infrastructure.listStarted). */
export interface StartedInfrastructure {
  flowRunId: string;
  infrastructurePid: string;
  /** Still running (or starting); false once it has stopped. */
  running: boolean;
  /** The run's attempt (run_count) it was started for, when known. */
  attempt?: number;
}

/**
 * One kind of infrastructure (`process`, `ecs`). The worker calls `run` for each claimed run and
 * `kill` on cancellation; errors are the typed ones in ../errors.ts.
 */
export interface Infrastructure {
  readonly type: string;
  /**
   * run() may be called again for a run whose earlier launch may or may not have happened, and
   * starts nothing twice (ECS: RunTask's clientToken). False for `process`: a restarted worker
   * then never relaunches a claimed run blindly, it reschedules it once the claim is clearly orphaned.
   */
  readonly idempotentRun?: boolean;
  /** The default base job template for pools of this type. */
  readonly defaultBaseJobTemplate: Record<string, unknown>;
  setup(): Promise<void>;
  /** Starts the job, calls onStarted, and resolves when it has ended. Throws SubmissionError when it cannot start. */
  run(job: InfrastructureJob): Promise<InfrastructureResult>;
  /** Stops the infrastructure: graceful signal, then a forced stop after gracePeriodSeconds. */
  kill(infrastructurePid: string, configuration: Record<string, unknown>, gracePeriodSeconds: number): Promise<void>;
  teardown(): Promise<void>;
  /**
   * Optional (re-adoption after a worker restart): resumes watching infrastructure an earlier worker
   * process started for `job.flowRun`, and resolves like run() once it has ended. With no
   * infrastructurePid it looks for it (and calls job.onStarted when found). Throws
   * InfrastructureNotFoundError when there is none; run() may then start it.
   */
  adopt?(job: InfrastructureJob, infrastructurePid: string | null): Promise<InfrastructureResult>;
  /**
   * Optional: the infrastructure this pool's workers started that is running or recently stopped,
   * so a restarted worker can adopt its runs. `configuration` is the pool's rendered defaults (for
   * credentials, Region and cluster).
   */
  listStarted?(poolName: string, configuration: Record<string, unknown>): Promise<StartedInfrastructure[]>;
}
