import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "pino";
import { LogBatcher, ObjectNotFoundError } from "../client/index.js";
// Not through the client's index: the SDK (which a flow's build may bundle) imports that, and the
// stream brings an npm dependency the SDK does not need.
import { openRunEventStream, type RunEventStream } from "../client/run-event-stream.js";
import { TERMINAL_STATE_TYPES, type EcsflowCapabilities, type FlowRun, type StateCreate, type StateType } from "../schemas/index.js";
import { DispatchWakeups } from "./dispatch-wakeups.js";
import { InfrastructureNotAvailableError, InfrastructureNotFoundError, JobTemplateRenderError, SubmissionError } from "./errors.js";
import { planAdoption, ADOPTABLE_STATE_TYPES, type AdoptionCandidate } from "./adoption-plan.js";
import { explainExitCode } from "./explain-exit-code.js";
import { taskTraceparent, traceClaim, traceSubmission } from "./flow-run-tracing.js";
import type { InfrastructureJob, InfrastructureResult, StartedInfrastructure } from "./infrastructure/infrastructure.js";
import { renderJobTemplate } from "./render-job-template.js";
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

interface WorkPoolInfo {
  id: string;
  name: string;
  type: string;
  base_job_template: Record<string, unknown>;
}

interface RenderInputs {
  flow: { id: string; name: string };
  deployment: { id: string; name: string; updated?: string; job_variables?: Record<string, unknown> } | null;
}

interface TrackedRun {
  flowRunId: string;
  infrastructurePid?: string;
  configuration?: Record<string, unknown>;
  /** Set when a cancel arrived before the infrastructure had an id. */
  cancelRequested: boolean;
  /** Settles once the submission reached a durable point: infrastructure started, or the attempt ended. */
  submitted: Promise<void>;
  markSubmitted(): void;
}

function trackedRun(flowRunId: string): TrackedRun {
  let markSubmitted!: () => void;
  const submitted = new Promise<void>((resolve) => (markSubmitted = resolve));
  return { flowRunId, cancelRequested: false, submitted, markSubmitted };
}

/** Runs at most `n` of the given functions at once. */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (active >= n) await new Promise<void>((go) => waiting.push(go));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/**
 * The worker: setup → poll → claim → render → submit (run) → watch → report → teardown, one method
 * each, as Prefect's BaseWorker. It never touches the database: everything goes through the API.
 */
export class Worker {
  readonly options: CompiledWorkerOptions;
  private state: WorkerState = "INITIALIZED";
  private pool: WorkPoolInfo | undefined;
  private readonly runs = new Map<string, TrackedRun>();
  private readonly inFlight = new Set<Promise<void>>();
  private lastPollAt: number | undefined;
  private wakeUp: (() => void) | undefined;
  /** A wake-up that came while the worker was polling: the next sleep returns at once. */
  private wakePending = false;
  /** ecsflow's extensions when the server has them; null against a plain Prefect server. */
  private capabilities: EcsflowCapabilities | null = null;
  private events: RunEventStream | undefined;
  private wakeups: DispatchWakeups | undefined;
  private cancellationCheck: { running: boolean; again: boolean } = { running: false, again: false };
  private poolReadAt = 0;
  private readonly flows = new Map<string, { id: string; name: string }>();
  private timers: NodeJS.Timeout[] = [];
  private readonly logger: Logger;

  private constructor(options: CompiledWorkerOptions) {
    this.options = options;
    this.logger = options.logger.child({ worker: options.name, pool: options.workPoolName });
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
        await Promise.all([...this.inFlight]);
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
      onCancelling: () => void this.checkForCancelledRunsSoon(),
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

  /** Runs checkForCancelledRuns now, or once more after the check in progress. */
  private async checkForCancelledRunsSoon(): Promise<void> {
    const state = this.cancellationCheck;
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    try {
      do {
        state.again = false;
        await this.checkForCancelledRuns().catch((err) => this.logger.warn({ err }, "cancellation check failed"));
      } while (state.again);
    } finally {
      state.running = false;
    }
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
    every(this.options.cancellationPollSeconds, () => this.checkForCancelledRunsSoon());
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
      this.runs.set(flowRun.id, trackedRun(flowRun.id));
      const p = traceSubmission(flowRun, this.options.name, () => this.submitRun(flowRun)).finally(() => {
        this.runs.get(flowRun.id)?.markSubmitted();
        this.inFlight.delete(p);
        this.runs.delete(flowRun.id);
      });
      this.inFlight.add(p);
      submitted++;
    }
    return submitted;
  }

  /** A run's log shipping: the worker's own lines about it and its infrastructure's output. */
  private runLogsFor(flowRunId: string, log: Logger) {
    const runLogs = new LogBatcher({
      send: async (logs) => {
        await this.options.client.createLogs(logs);
        this.options.metrics.logLinesShipped.inc(logs.length);
      },
      onError: (err, info) => log.warn({ err, ...info }, "could not ship run logs"),
    });
    const entry = (name: string, level: number, message: string) => ({ name, level, message, timestamp: new Date().toISOString(), flow_run_id: flowRunId });
    return {
      runLogs,
      runLog: (message: string, level = 20) => runLogs.add(entry("ecsflow.worker", level, message)),
      onOutput: (line: string, stream: "stdout" | "stderr" | "infrastructure") => runLogs.add(entry(`ecsflow.${stream}`, stream === "stderr" ? 40 : 20, line)),
    };
  }

  /**
   * Merges what the infrastructure reported about itself (ECS: task definition, launch type) into
   * the run's labels, beside the infrastructure id. They are for people reading the run, so a
   * failure (e.g. a Prefect server without the labels endpoint) is logged, never the run's.
   */
  private async recordInfrastructureLabels(flowRunId: string, labels: Record<string, string> | undefined, log: Logger): Promise<void> {
    if (!labels || Object.keys(labels).length === 0) return;
    try {
      await this.options.client.updateFlowRunLabels(flowRunId, labels);
    } catch (err) {
      log.warn({ err }, "could not record the infrastructure's labels on the run");
    }
  }

  private recordDueToStarted(flowRun: FlowRun): void {
    const due = Date.parse(flowRun.next_scheduled_start_time ?? flowRun.expected_start_time ?? "");
    if (Number.isFinite(due)) this.options.metrics.dueToStarted.observe({ infrastructure: this.options.infrastructure.type }, Math.max(0, Date.now() - due) / 1000);
  }

  /** Claims a run by proposing PENDING; true when this worker won it. */
  private async claim(flowRun: FlowRun): Promise<boolean> {
    const result = await this.options.client.setFlowRunState(flowRun.id, { type: "PENDING", name: "Pending" });
    if (result.status === "ACCEPT") return true;
    this.logger.debug({ flowRunId: flowRun.id, status: result.status, reason: (result.details as { reason?: string }).reason }, "run claimed elsewhere; skipping");
    return false;
  }

  private async submitRun(flowRun: FlowRun): Promise<void> {
    const log = this.logger.child({ flowRunId: flowRun.id });
    // The reads the job needs go out with the claim, not after it: one round trip less between
    // "run due" and "infrastructure started". A lost claim just discards them.
    const inputs = this.readRenderInputs(flowRun);
    inputs.catch(() => undefined);
    let won: boolean;
    try {
      won = await traceClaim(() => this.claim(flowRun));
    } catch (err) {
      log.warn({ err }, "claim failed; the run stays SCHEDULED for the next poll");
      return;
    }
    if (!won) return;
    const tracked = this.runs.get(flowRun.id)!;
    const { runLogs, runLog, onOutput } = this.runLogsFor(flowRun.id, log);
    try {
      const configuration = this.renderJob(flowRun, await inputs);
      tracked.configuration = configuration;
      runLog(`Worker ${this.options.name} submitting flow run ${flowRun.id} to ${this.options.infrastructure.type} infrastructure`);
      const result = await this.options.infrastructure.run({
        flowRun,
        configuration,
        logger: log,
        onOutput,
        onStarted: async (infrastructurePid, labels) => {
          tracked.infrastructurePid = infrastructurePid;
          log.info({ infrastructurePid }, "infrastructure started");
          this.recordDueToStarted(flowRun);
          const labelled = this.recordInfrastructureLabels(flowRun.id, labels, log);
          try {
            await this.options.client.updateFlowRun(flowRun.id, { infrastructure_pid: infrastructurePid });
          } finally {
            tracked.markSubmitted();
          }
          if (tracked.cancelRequested) void this.cancelRun(flowRun.id, infrastructurePid);
          await labelled;
        },
        onRunning: () => void this.reportRunning(flowRun.id, log),
      });
      await this.reportCost(flowRun.id, result, log);
      await this.reportResult(flowRun.id, result, runLog);
    } catch (err) {
      const message =
        err instanceof JobTemplateRenderError || err instanceof SubmissionError
          ? err.message
          : `The worker could not submit this run: ${(err as Error).message}`;
      log.error({ err }, "submission failed");
      runLog(message, 40);
      await this.proposeFinal(flowRun.id, { type: "CRASHED", name: "Crashed", message }).catch((e) => log.error({ err: e }, "could not mark the run CRASHED"));
    } finally {
      await runLogs.close();
    }
  }

  /**
   * Shows RUNNING for a command that never talks to the API (any container image), but only
   * while the run is still PENDING: if the flow said RUNNING (or finished) first, the server
   * aborts this proposal. Needs the server's precondition, so against Prefect's server the run
   * shows RUNNING only if its command reports it.
   */
  private async reportRunning(flowRunId: string, log: Logger, attempt = 1): Promise<void> {
    if (!this.capabilities?.set_state_preconditions.includes("expected_state_type")) return;
    try {
      const result = await this.options.client.setFlowRunState(
        flowRunId,
        { type: "RUNNING", name: "Running", message: `Worker ${this.options.name} saw the run's infrastructure running.` },
        { expectedStateType: "PENDING" },
      );
      // Started ahead of its scheduled time (prefetch): show RUNNING once it is due.
      const delay = (result.details as { delay_seconds?: number }).delay_seconds;
      if (result.status === "WAIT" && attempt < 3 && this.runs.has(flowRunId) && delay !== undefined) {
        setTimeout(() => void this.reportRunning(flowRunId, log, attempt + 1), Math.max(0, delay * 1000)).unref();
      }
    } catch (err) {
      log.debug({ err }, "could not report RUNNING; the run reports its own states");
    }
  }

  /** The flow (cached: its name never changes) and the deployment (read fresh: its job variables may). */
  private async readRenderInputs(flowRun: FlowRun): Promise<RenderInputs> {
    const client = this.options.client;
    const cached = this.flows.get(flowRun.flow_id);
    const [flow, deployment] = await Promise.all([
      cached ?? client.request<{ id: string; name: string }>("GET", `/flows/${flowRun.flow_id}`),
      flowRun.deployment_id ? client.request<RenderInputs["deployment"] & object>("GET", `/deployments/${flowRun.deployment_id}`) : Promise.resolve(null),
    ]);
    if (!cached) {
      if (this.flows.size >= 1_000) this.flows.delete(this.flows.keys().next().value!);
      this.flows.set(flow.id, { id: flow.id, name: flow.name });
    }
    return { flow, deployment };
  }

  private renderJob(flowRun: FlowRun, { flow, deployment }: RenderInputs): Record<string, unknown> {
    const pool = this.pool!;
    return renderJobTemplate({
      baseJobTemplate: pool.base_job_template as never,
      deploymentJobVariables: (deployment?.job_variables ?? null) as never,
      flowRunJobVariables: (flowRun.job_variables ?? null) as never,
      env: this.options.hostEnv,
      flowRun,
      deployment,
      flow,
      worker: { name: this.options.name, poolName: pool.name, poolId: pool.id, poolType: pool.type },
      apiUrl: this.options.apiUrlForRuns,
      apiKey: this.options.apiKeyForRuns ?? null,
      version: this.options.version ?? null,
      traceparent: taskTraceparent(flowRun.id),
    });
  }

  /** The infrastructure ended: keep a final state the run reported itself, else decide from the exit. */
  private async reportResult(flowRunId: string, result: InfrastructureResult, runLog: (m: string, level?: number) => void): Promise<void> {
    const current = await this.options.client.readFlowRun(flowRunId);
    const type = current.state_type as StateType | null;
    if (type && TERMINAL_STATE_TYPES.includes(type)) return;
    if (type === "CANCELLING") {
      await this.proposeFinal(flowRunId, { type: "CANCELLED", name: "Cancelled", message: "The run's infrastructure was stopped after a cancellation request." });
      return;
    }
    if (result.exitCode === 0 && !result.interrupted) {
      await this.proposeFinal(flowRunId, { type: "COMPLETED", name: "Completed", message: "The command exited with code 0." });
      return;
    }
    const explanation = result.explanation ?? explainExitCode(result.exitCode, result.signal);
    const message = [result.reason, explanation].filter(Boolean).join(" — ");
    runLog(message, 40);
    await this.proposeFinal(flowRunId, { type: "CRASHED", name: "Crashed", message });
  }

  /** Hands what the run's infrastructure used to the server for pricing; a run's end never waits on it failing. */
  private async reportCost(flowRunId: string, result: InfrastructureResult, log: Logger): Promise<void> {
    if (!result.usage || !this.capabilities?.run_costs) return;
    try {
      await this.options.client.reportFlowRunUsage(flowRunId, result.usage);
    } catch (err) {
      log.warn({ err, flowRunId }, "could not report the run's cost");
    }
  }

  private async proposeFinal(flowRunId: string, state: StateCreate): Promise<void> {
    const result = await this.options.client.setFlowRunState(flowRunId, state);
    if (result.status !== "ACCEPT") {
      this.logger.info({ flowRunId, proposed: state.type, status: result.status }, "final state not accepted; keeping the server's");
    }
  }

  /** Finds this pool's runs in CANCELLING and stops their infrastructure. */
  async checkForCancelledRuns(): Promise<void> {
    const cancelling = await this.options.client.filterFlowRuns({
      flow_runs: { state: { type: { any_: ["CANCELLING"] } } },
      work_pools: { name: { any_: [this.options.workPoolName] } },
      limit: 200,
    });
    await Promise.all(cancelling.map((run) => this.cancelRun(run.id, run.infrastructure_pid ?? undefined)));
  }

  async cancelRun(flowRunId: string, infrastructurePid: string | undefined): Promise<void> {
    const tracked = this.runs.get(flowRunId);
    const pid = infrastructurePid ?? tracked?.infrastructurePid;
    if (!pid) {
      if (tracked) {
        // Claimed here but not started yet: cancel as soon as it has an id.
        tracked.cancelRequested = true;
        return;
      }
      await this.proposeFinal(flowRunId, { type: "CANCELLED", name: "Cancelled", message: "Cancelled before its infrastructure started." });
      return;
    }
    try {
      await this.killInfrastructure(pid, tracked?.configuration ?? {});
    } catch (err) {
      if (err instanceof InfrastructureNotAvailableError) return; // another worker's to kill
      if (!(err instanceof InfrastructureNotFoundError)) {
        this.logger.warn({ err, flowRunId }, "could not stop infrastructure; will retry");
        return;
      }
    }
    // A run this worker watches is reported by its watcher; others are closed here.
    if (!tracked) {
      await this.proposeFinal(flowRunId, { type: "CANCELLED", name: "Cancelled", message: "The run's infrastructure was stopped after a cancellation request." });
    }
  }

  async killInfrastructure(infrastructurePid: string, configuration: Record<string, unknown>): Promise<void> {
    await this.options.infrastructure.kill(infrastructurePid, configuration, this.options.killGraceSeconds);
  }

  /**
   * After a restart: the pool's runs that are still open (PENDING, RUNNING, CANCELLING) get their
   * infrastructure watched again and their end reported, as if this worker had submitted them.
   * Listing and tracking happen here; each run's watch goes on in the background (like submitRun).
   * Only for infrastructure that can list and adopt (ECS); a failure here never stops the worker.
   */
  async adoptStartedInfrastructure(): Promise<number> {
    const infrastructure = this.options.infrastructure;
    if (!infrastructure.listStarted || !infrastructure.adopt) return 0;
    const pool = this.pool!;
    let started: StartedInfrastructure[] = [];
    try {
      started = await infrastructure.listStarted(pool.name, this.renderPoolDefaults());
    } catch (err) {
      // Runs that recorded their infrastructure id are still adopted; the others are looked up one by one.
      this.logger.warn({ err }, "could not list the pool's started infrastructure; adopting runs by their recorded ids");
    }
    let open: FlowRun[];
    try {
      open = await this.openRunsOfPool();
    } catch (err) {
      this.logger.warn({ err }, "could not read the pool's open runs; none adopted");
      return 0;
    }
    const candidates = planAdoption(open, started).filter((c) => !this.runs.has(c.flowRun.id));
    // Rendering reads the flow and deployment of each run: a few at a time, not hundreds at once.
    const renderSlots = limiter(8);
    for (const candidate of candidates) {
      const id = candidate.flowRun.id;
      const tracked = trackedRun(id);
      tracked.infrastructurePid = candidate.infrastructurePid ?? undefined;
      // A recorded id is durable already: shutdown need not wait for this run.
      if (candidate.infrastructurePid && !candidate.found) tracked.markSubmitted();
      // Nothing to launch here (see rescheduleOrphanedClaim): shutdown need not wait for it.
      if (!candidate.infrastructurePid && !infrastructure.idempotentRun) tracked.markSubmitted();
      this.runs.set(id, tracked);
      const p = this.adoptRun(candidate, renderSlots).finally(() => {
        tracked.markSubmitted();
        this.inFlight.delete(p);
        this.runs.delete(id);
      });
      this.inFlight.add(p);
    }
    if (candidates.length > 0) this.logger.info({ runs: candidates.length, listed: started.length }, "adopting the pool's open runs after a restart");
    return candidates.length;
  }

  /** The pool's runs in an open state, page by page (pages skip the runs already read, as states move). */
  private async openRunsOfPool(): Promise<FlowRun[]> {
    const runs = new Map<string, FlowRun>();
    for (;;) {
      const page = await this.options.client.filterFlowRuns({
        flow_runs: { state: { type: { any_: [...ADOPTABLE_STATE_TYPES] } }, ...(runs.size > 0 ? { id: { not_any_: [...runs.keys()] } } : {}) },
        work_pools: { name: { any_: [this.options.workPoolName] } },
        sort: "ID_DESC",
        limit: 200,
      });
      for (const run of page) runs.set(run.id, run);
      if (page.length < 200) return [...runs.values()];
    }
  }

  /** The pool's job configuration without a run (for the credentials, Region and cluster of listStarted). */
  private renderPoolDefaults(): Record<string, unknown> {
    const pool = this.pool!;
    const nil = "00000000-0000-0000-0000-000000000000";
    try {
      return renderJobTemplate({
        baseJobTemplate: pool.base_job_template as never,
        env: this.options.hostEnv,
        flowRun: { id: nil, name: "adoption", flow_id: nil },
        flow: { id: nil, name: "adoption" },
        worker: { name: this.options.name, poolName: pool.name, poolId: pool.id, poolType: pool.type },
        apiUrl: this.options.apiUrlForRuns,
      });
    } catch {
      return {};
    }
  }

  /** One adopted run: watch its infrastructure to the end and report, as submitRun does after launching. */
  private async adoptRun(candidate: AdoptionCandidate, renderSlots: <T>(fn: () => Promise<T>) => Promise<T>): Promise<void> {
    const { flowRun } = candidate;
    const infrastructure = this.options.infrastructure;
    const log = this.logger.child({ flowRunId: flowRun.id });
    const tracked = this.runs.get(flowRun.id)!;
    const { runLogs, runLog, onOutput } = this.runLogsFor(flowRun.id, log);
    const recordPid = async (infrastructurePid: string, labels?: Record<string, string>) => {
      tracked.infrastructurePid = infrastructurePid;
      const labelled = this.recordInfrastructureLabels(flowRun.id, labels, log);
      try {
        await this.options.client.updateFlowRun(flowRun.id, { infrastructure_pid: infrastructurePid });
      } finally {
        tracked.markSubmitted();
      }
      if (tracked.cancelRequested) void this.cancelRun(flowRun.id, infrastructurePid);
      await labelled;
    };
    try {
      const configuration = await renderSlots(async () => this.renderJob(flowRun, await this.readRenderInputs(flowRun))).catch((err: unknown) => {
        // A run whose template no longer renders (deployment deleted, template changed) can still be watched.
        if (!candidate.infrastructurePid) throw err;
        log.warn({ err }, "could not render the run's job configuration; watching it with the pool's defaults");
        return this.renderPoolDefaults();
      });
      tracked.configuration = configuration;
      const job: InfrastructureJob = {
        flowRun,
        configuration,
        logger: log,
        onOutput,
        onStarted: recordPid,
        onRunning: () => void this.reportRunning(flowRun.id, log),
      };
      let result: InfrastructureResult;
      if (candidate.infrastructurePid) {
        if (candidate.found) await recordPid(candidate.infrastructurePid);
        runLog(`Worker ${this.options.name} adopted the run's infrastructure ${candidate.infrastructurePid} after a worker restart`);
        try {
          result = await infrastructure.adopt!(job, candidate.infrastructurePid);
        } catch (err) {
          // A claimed run (never reported running) whose recorded infrastructure is gone or an
          // earlier scheduling's: submit it again, idempotently, as below.
          if (!(err instanceof InfrastructureNotFoundError) || flowRun.state_type !== "PENDING") throw err;
          runLog(`${err.message} Submitting the claimed run again.`);
          result = await infrastructure.run(job);
        }
      } else if (flowRun.state_type === "PENDING" && !infrastructure.idempotentRun) {
        // Relaunching could start it twice (a sibling worker may be launching it right now).
        await this.rescheduleOrphanedClaim(flowRun, runLog, log);
        return;
      } else if (flowRun.state_type === "PENDING") {
        // Claimed, but no infrastructure was recorded or listed: the predecessor died before or
        // during the launch. run() is idempotent per attempt (ECS: RunTask's clientToken), so this
        // returns the predecessor's task if its launch went through, else starts the only one.
        runLog(`Worker ${this.options.name} is submitting this claimed run again after a worker restart (its infrastructure was never recorded)`);
        result = await infrastructure.run(job);
      } else {
        result = await infrastructure.adopt!(job, null);
      }
      await this.reportCost(flowRun.id, result, log);
      await this.reportResult(flowRun.id, result, runLog);
    } catch (err) {
      await this.adoptionFailed(candidate, err, runLog, log);
    } finally {
      await runLogs.close();
    }
  }

  /**
   * A claimed run with no infrastructure recorded or found, on infrastructure that cannot relaunch
   * idempotently: once the claim is `orphanedClaimSeconds` old (a live claimant records its
   * infrastructure within moments), it goes back to SCHEDULED — only if it is still that same
   * PENDING state (a precondition on our server) — and the next poll launches it once.
   */
  private async rescheduleOrphanedClaim(flowRun: FlowRun, runLog: (m: string, level?: number) => void, log: Logger): Promise<void> {
    if (!this.capabilities?.set_state_preconditions.includes("expected_state_type")) {
      log.warn("claimed run with no infrastructure; left to the server's orphan recovery (the server has no set_state preconditions)");
      return;
    }
    const claimedAt = Date.parse(flowRun.state?.timestamp ?? "") || Date.now();
    const wait = claimedAt + this.options.orphanedClaimSeconds * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait).unref());
    if (this.state !== "RUNNING" && this.state !== "STARTING") return;
    const current = await this.options.client.readFlowRun(flowRun.id);
    if (current.state_type !== "PENDING" || current.state_id !== flowRun.state_id || current.infrastructure_pid) return;
    const message = `Claimed by a worker that stopped before starting it (nothing was started for ${this.options.orphanedClaimSeconds} s); rescheduled by worker ${this.options.name}.`;
    const result = await this.options.client.setFlowRunState(flowRun.id, { type: "SCHEDULED", name: "Scheduled", message }, { expectedStateType: "PENDING" });
    if (result.status === "ACCEPT") {
      runLog(message, 30);
      this.wake();
    }
  }

  private async adoptionFailed(candidate: AdoptionCandidate, err: unknown, runLog: (m: string, level?: number) => void, log: Logger): Promise<void> {
    const { flowRun } = candidate;
    if (err instanceof InfrastructureNotAvailableError) {
      log.info({ err }, "the run's infrastructure is not this worker's kind; not adopted");
      return;
    }
    if (err instanceof InfrastructureNotFoundError) {
      const current = await this.options.client.readFlowRun(flowRun.id).catch(() => flowRun);
      if (current.state_type === "CANCELLING") {
        await this.proposeFinal(flowRun.id, { type: "CANCELLED", name: "Cancelled", message: "Cancelled; its infrastructure no longer exists." }).catch((e) => log.error({ err: e }, "could not mark the run CANCELLED"));
        return;
      }
      if (current.state_type !== "PENDING" && current.state_type !== "RUNNING") return;
      if (!candidate.infrastructurePid) {
        // RUNNING with no infrastructure to be found: something else runs it (or ran it); nothing to watch.
        log.warn("open run with no infrastructure found; left as it is");
        return;
      }
      const message = `${err.message} The worker that started it stopped before its end was reported, so its result is unknown.`;
      runLog(message, 40);
      await this.proposeFinal(flowRun.id, { type: "CRASHED", name: "Crashed", message }).catch((e) => log.error({ err: e }, "could not mark the run CRASHED"));
      return;
    }
    const message =
      err instanceof JobTemplateRenderError || err instanceof SubmissionError ? err.message : `The worker could not resume watching this run: ${(err as Error).message}`;
    log.error({ err }, "adoption failed");
    runLog(message, 40);
    if (err instanceof JobTemplateRenderError || err instanceof SubmissionError) {
      await this.proposeFinal(flowRun.id, { type: "CRASHED", name: "Crashed", message }).catch((e) => log.error({ err: e }, "could not mark the run CRASHED"));
    }
  }

  async teardown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.events?.close();
    this.wakeups?.close();
    // Let claims and submissions in flight reach a durable point (infrastructure started and its
    // id recorded); infrastructure that is running stays running (ECS tasks go on without us).
    await Promise.all([...this.runs.values()].map((r) => r.submitted));
    await this.options.infrastructure.teardown();
    if (this.state !== "FAILED") this.setState("STOPPED");
  }
}
