import { Counter, Histogram, Registry } from "prom-client";

/**
 * A worker's Prometheus metrics, served on its health port at `GET /metrics`. One instance per
 * worker process (`defaultWorkerMetrics`); tests pass their own to count one worker alone.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  /** Every attempt the AWS SDK sends (its retries included), by operation and outcome. */
  readonly awsCalls: Counter<"operation" | "outcome">;
  /** Time an AWS call waited for the worker's rate budget, by bucket. */
  readonly rateBudgetWait: Histogram<"bucket">;
  readonly describeTasksBatchSize: Histogram;
  readonly logLinesShipped: Counter;
  /** From a run's scheduled start to its infrastructure started (0 when started ahead of time, by prefetch). */
  readonly dueToStarted: Histogram<"infrastructure">;

  constructor() {
    const registers = [this.registry];
    this.awsCalls = new Counter({ name: "ecsflow_worker_aws_calls_total", help: "AWS call attempts by operation and outcome (ok, error, throttled).", labelNames: ["operation", "outcome"], registers });
    this.rateBudgetWait = new Histogram({
      name: "ecsflow_worker_rate_budget_wait_seconds",
      help: "Time AWS calls waited for a token of the worker's client-side rate budget, by bucket.",
      labelNames: ["bucket"],
      buckets: [0, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.describeTasksBatchSize = new Histogram({ name: "ecsflow_worker_describe_tasks_batch_size", help: "Tasks per DescribeTasks call.", buckets: [1, 2, 5, 10, 25, 50, 75, 100], registers });
    this.logLinesShipped = new Counter({ name: "ecsflow_worker_log_lines_shipped_total", help: "Run log lines the worker shipped to the API.", registers });
    this.dueToStarted = new Histogram({
      name: "ecsflow_worker_run_due_to_started_seconds",
      help: "From a flow run's scheduled start time to its infrastructure started.",
      labelNames: ["infrastructure"],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    });
  }
}

export const defaultWorkerMetrics = new WorkerMetrics();
