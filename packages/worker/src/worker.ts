import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "pino";
import { ObjectNotFoundError } from "@ecsflow/client";
// Not through the client's index: the SDK (which a flow's build may bundle) imports that, and the
// stream brings an npm dependency the SDK does not need.
import { openRunEventStream, type RunEventStream } from "@ecsflow/client";
import type { EcsflowCapabilities } from "@ecsflow/schemas";
import { Adoption } from "./adoption.js";
import { Cancellation } from "./cancellation.js";
import { DispatchWakeups } from "./dispatch-wakeups.js";
import { traceSubmission } from "./flow-run-tracing.js";
import { JobRenderer } from "./job-renderer.js";
import { RunRegistry, trackedRun } from "./run-registry.js";
import { RunReporter } from "./run-reporter.js";
import { Submission } from "./submission.js";
import type { WorkerContext, WorkPoolInfo } from "./worker-context.js";
import { compileWorkerOptions, type CompiledWorkerOptions, type WorkerOptions } from "./worker-options.js";

export type WorkerState = "INITIALIZED" | "STARTING" | "RUNNING" | "STOPPING" | "STOPPED" | "FAILED";

export interface WorkerStatus {
  state: WorkerState;
  name: string;
  workPoolName: string;
  runningFlowRuns: number;
  lastPollAt: string | null;
  /** False once the last successful poll is older than three poll intervals. */
  healthy: boolean;
}

/**
 * The worker: setup → poll → claim → render → submit (run) → watch → report → teardown, one method
 * each, as Prefect's BaseWorker. It never touches the database: everything goes through the API.
 */
export class Worker {
  readonly options: CompiledWorkerOptions;
  private state: WorkerState = "INITIALIZED";
  private pool: WorkPoolInfo | undefined;
  private readonly runs = new RunRegistry();
  private lastPollAt: number | undefined;
  private wakeUp: (() => void) | undefined;
  /** A wake-up that came while the worker was polling: the next sleep returns at once. */
  private wakePending = false;
  /** ecsflow's extensions when the server has them; null against a plain Prefect server. */
  private capabilities: EcsflowCapabilities | null = null;
  private events: RunEventStream | undefined;
  private wakeups: DispatchWakeups | undefined;
  private poolReadAt = 0;
  private timers: NodeJS.Timeout[] = [];
  private readonly logger: Logger;
  private readonly submission: Submission;
  private readonly adoption: Adoption;
  private readonly cancellation: Cancellation;

  private constructor(options: CompiledWorkerOptions) {
    this.options = options;
    this.logger = options.logger.child({ worker: options.name, pool: options.workPoolName });
    const ctx: WorkerContext = {
      options,
      logger: this.logger,
      runs: this.runs,
      capabilities: () => this.capabilities,
      pool: () => {
        if (!this.pool) throw new Error("the work pool has not been read yet (setup() reads it)");
        return this.pool;
      },
      isActive: () => this.state === "RUNNING" || this.state === "STARTING",
      wake: () => this.wake(),
    };
    const reporter = new RunReporter(ctx);
    const renderer = new JobRenderer(ctx);
    this.cancellation = new Cancellation(ctx, reporter);
    this.submission = new Submission(ctx, reporter, renderer, this.cancellation);
    this.adoption = new Adoption(ctx, reporter, renderer, this.submission);
  }

  /** Validates options; does not connect (run() does). */
  static create(options: WorkerOptions): Worker {
    return new Worker(compileWorkerOptions(options, hostname(), randomBytes(2).toString("hex")));
  }

  getStatus(): WorkerStatus {
    const staleAfterMs = Math.max(60_000, 3 * this.options.pollIntervalSeconds * 1000);
    return {
      state: this.state,
      name: this.options.name,
      workPoolName: this.options.workPoolName,
      runningFlowRuns: this.runs.size,
      lastPollAt: this.lastPollAt ? new Date(this.lastPollAt).toISOString() : null,
      healthy: this.state === "RUNNING" && this.lastPollAt !== undefined && Date.now() - this.lastPollAt < staleAfterMs,
    };
  }

  private setState(state: WorkerState): void {
    if (this.state === state) return;
    this.logger.info({ from: this.state, to: state }, "worker state changed");
    this.state = state;
  }

  /** Runs until shutdown() (or, with runOnce, until one poll's runs have finished). */
  async run(): Promise<void> {
    this.setState("STARTING");
    try {
      await this.setup();
    } catch (err) {
      this.setState("FAILED");
      await this.teardown();
      throw err;
    }
    this.setState("RUNNING");
    try {
      if (this.options.runOnce) {
        await this.getAndSubmitFlowRuns();
        await this.runs.drain();
        return;
      }
      this.startBackgroundLoops();
      this.subscribeToRunEvents();
      while (this.state === "RUNNING") {
        await this.getAndSubmitFlowRuns();
        await this.sleepUntilWoken(this.options.pollIntervalSeconds * 1000);
      }
    } finally {
      await this.teardown();
    }
  }

  /** Stops polling; in-flight submissions finish; running infrastructure is left alone. */
  shutdown(): void {
    if (this.state === "RUNNING" || this.state === "STARTING") this.setState("STOPPING");
    this.wakeUp?.();
  }

  /** Lets a push notification (a run became due) start a poll now instead of at the next tick. */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.wakePending = true;
  }

  async setup(): Promise<void> {
    await this.options.infrastructure.setup();
    this.pool = await this.readOrCreatePool();
    if (this.pool.type !== this.options.infrastructure.type) {
      this.logger.warn(
        { poolType: this.pool.type, workerType: this.options.infrastructure.type },
        `work pool ${this.pool.name} has type ${this.pool.type} but this worker runs ${this.options.infrastructure.type} infrastructure; runs will use this worker's infrastructure`,
      );
    }
    await this.sendHeartbeat();
    this.capabilities = await this.options.client.capabilities().catch((err) => {
      this.logger.warn({ err }, "could not read the server's capabilities; polling only");
      return null;
    });
    await this.adoptStartedInfrastructure();
  }

  /**
   * Against an ecsflow server, listens to the pool's run events so a run is dispatched the moment
   * it is due and a cancel is acted on at once; polling stays on as the safety net (a missed
   * event costs at most one poll interval). Against Prefect's server nothing changes.
   */
  private subscribeToRunEvents(): void {
    if (!this.capabilities?.run_events || this.options.runOnce) return;
    this.wakeups = new DispatchWakeups({
      prefetchSeconds: this.options.prefetchSeconds,
      onDue: () => this.wake(),
      onCancelling: () => void this.cancellation.checkSoon(),
    });
    const wakeups = this.wakeups;
    this.events = openRunEventStream({
      transport: this.options.client.http,
      query: { work_pool_name: this.options.workPoolName },
      onEvent: (event) => wakeups.handle(event),
      onResync: () => this.wake(),
      onError: (err, retryInMs) => this.logger.debug({ err: { message: err.message }, retryInMs }, "run event stream interrupted; reconnecting"),
      onUnsupported: () => this.logger.info("the server has no run event stream; polling only"),
    });
    this.logger.info("listening for run events; polling every %d s as a fallback", this.options.pollIntervalSeconds);
  }

  private async readOrCreatePool(): Promise<WorkPoolInfo> {
    const path = `/work_pools/${encodeURIComponent(this.options.workPoolName)}`;
    try {
      return await this.options.client.request<WorkPoolInfo>("GET", path);
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError) || !this.options.createPoolIfNotFound) throw err;
    }
    this.logger.info({ type: this.options.infrastructure.type }, "work pool not found; creating it");
    try {
      return await this.options.client.request<WorkPoolInfo>("POST", "/work_pools/", {
        name: this.options.workPoolName,
        type: this.options.infrastructure.type,
        base_job_template: this.options.infrastructure.defaultBaseJobTemplate,
      });
    } catch (err) {
      // Another worker created it first.
      if ((err as { status?: number }).status === 409) return this.options.client.request<WorkPoolInfo>("GET", path);
      throw err;
    }
  }

  private startBackgroundLoops(): void {
    const every = (seconds: number, fn: () => Promise<void>) => {
      const t = setInterval(() => void fn().catch((err) => this.logger.warn({ err }, "background task failed")), seconds * 1000);
      this.timers.push(t);
    };
    every(this.options.heartbeatIntervalSeconds, () => this.sendHeartbeat());
    every(this.options.cancellationPollSeconds, () => this.cancellation.checkSoon());
  }

  private async sendHeartbeat(): Promise<void> {
    await this.options.client.sendWorkerHeartbeat(this.options.workPoolName, this.options.name, this.options.heartbeatIntervalSeconds);
  }

  private sleepUntilWoken(ms: number): Promise<void> {
    if (this.wakePending) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wakeUp = undefined;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  /** One poll: read the pool's due runs and submit as many as the limit allows. */
  async getAndSubmitFlowRuns(): Promise<number> {
    let scheduled;
    try {
      // The pool (its template, its pause) is re-read once per poll interval, not on every wake-up.
      if (Date.now() - this.poolReadAt >= this.options.pollIntervalSeconds * 1000) {
        this.pool = await this.options.client.request<WorkPoolInfo>("GET", `/work_pools/${encodeURIComponent(this.options.workPoolName)}`);
        this.poolReadAt = Date.now();
      }
      scheduled = await this.options.client.getScheduledFlowRuns(this.options.workPoolName, {
        workQueueNames: this.options.workQueueNames,
        scheduledBefore: new Date(Date.now() + this.options.prefetchSeconds * 1000),
      });
      this.lastPollAt = Date.now();
    } catch (err) {
      this.logger.warn({ err }, "poll failed; will retry");
      return 0;
    }
    let submitted = 0;
    for (const { flow_run: flowRun } of scheduled) {
      if (this.state !== "RUNNING") break;
      if (this.options.limit !== null && this.runs.size >= this.options.limit) break;
      if (this.runs.has(flowRun.id)) continue;
      this.runs.hold(trackedRun(flowRun.id), (tracked) => traceSubmission(flowRun, this.options.name, () => this.submission.submitRun(flowRun, tracked)));
      submitted++;
    }
    return submitted;
  }

  /** Finds this pool's runs in CANCELLING and stops their infrastructure. */
  checkForCancelledRuns(): Promise<void> {
    return this.cancellation.checkForCancelledRuns();
  }

  cancelRun(flowRunId: string, infrastructurePid: string | undefined): Promise<void> {
    return this.cancellation.cancelRun(flowRunId, infrastructurePid);
  }

  killInfrastructure(infrastructurePid: string, configuration: Record<string, unknown>): Promise<void> {
    return this.cancellation.killInfrastructure(infrastructurePid, configuration);
  }

  /** After a restart: watches the pool's open runs again (see Adoption). */
  adoptStartedInfrastructure(): Promise<number> {
    return this.adoption.adoptStartedInfrastructure();
  }

  async teardown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.events?.close();
    this.wakeups?.close();
    // Let claims and submissions in flight reach a durable point (infrastructure started and its
    // id recorded); infrastructure that is running stays running (ECS tasks go on without us).
    await this.runs.allSubmitted();
    await this.options.infrastructure.teardown();
    if (this.state !== "FAILED") this.setState("STOPPED");
  }
}
