import type { Logger } from "pino";
import type { FlowRun } from "@ecsflow/schemas";
import { planAdoption, ADOPTABLE_STATE_TYPES, type AdoptionCandidate } from "./adoption-plan.js";
import { traceAdoption } from "./flow-run-tracing.js";
import { InfrastructureNotAvailableError, InfrastructureNotFoundError, JobTemplateRenderError, SubmissionError } from "./errors.js";
import type { InfrastructureJob, InfrastructureResult, StartedInfrastructure } from "./infrastructure/infrastructure.js";
import type { JobRenderer } from "./job-renderer.js";
import { limiter, trackedRun, type TrackedRun } from "./run-registry.js";
import type { RunLog, RunReporter } from "./run-reporter.js";
import type { Submission } from "./submission.js";
import type { WorkerContext } from "./worker-context.js";

const PAGE_SIZE = 200;

/**
 * After a restart: the pool's runs that are still open (PENDING, RUNNING, CANCELLING) get their
 * infrastructure watched again and their end reported, as if this worker had submitted them.
 */
export class Adoption {
  constructor(
    private readonly ctx: WorkerContext,
    private readonly reporter: RunReporter,
    private readonly renderer: JobRenderer,
    private readonly submission: Submission,
  ) {}

  /**
   * Listing and tracking happen here; each run's watch goes on in the background (like a
   * submission). Only for infrastructure that can list and adopt (ECS); a failure here never
   * stops the worker. Returns how many runs were taken up.
   */
  async adoptStartedInfrastructure(): Promise<number> {
    const infrastructure = this.ctx.options.infrastructure;
    if (!infrastructure.listStarted || !infrastructure.adopt) return 0;
    const pool = this.ctx.pool();
    let started: StartedInfrastructure[] = [];
    try {
      started = await infrastructure.listStarted(pool.name, this.renderer.renderPoolDefaults());
    } catch (err) {
      // Runs that recorded their infrastructure id are still adopted; the others are looked up one by one.
      this.ctx.logger.warn({ err }, "could not list the pool's started infrastructure; adopting runs by their recorded ids");
    }
    let open: FlowRun[];
    try {
      open = await this.openRunsOfPool();
    } catch (err) {
      this.ctx.logger.warn({ err }, "could not read the pool's open runs; none adopted");
      return 0;
    }
    const candidates = planAdoption(open, started).filter((c) => !this.ctx.runs.has(c.flowRun.id));
    // Rendering reads the flow and deployment of each run: a few at a time, not hundreds at once.
    const renderSlots = limiter(8);
    for (const candidate of candidates) {
      const tracked = trackedRun(candidate.flowRun.id);
      tracked.infrastructurePid = candidate.infrastructurePid ?? undefined;
      // A recorded id is durable already: shutdown need not wait for this run.
      if (candidate.infrastructurePid && !candidate.found) tracked.markSubmitted();
      // Nothing to launch here (see rescheduleOrphanedClaim): shutdown need not wait for it.
      if (!candidate.infrastructurePid && !infrastructure.idempotentRun) tracked.markSubmitted();
      this.ctx.runs.hold(tracked, () => traceAdoption(candidate.flowRun, this.ctx.options.name, candidate.infrastructurePid, () => this.adoptRun(candidate, tracked, renderSlots)));
    }
    if (candidates.length > 0) this.ctx.logger.info({ runs: candidates.length, listed: started.length }, "adopting the pool's open runs after a restart");
    return candidates.length;
  }

  /** The pool's runs in an open state, page by page (pages skip the runs already read, as states move). */
  private async openRunsOfPool(): Promise<FlowRun[]> {
    const runs = new Map<string, FlowRun>();
    for (;;) {
      const page = await this.ctx.options.client.filterFlowRuns({
        flow_runs: { state: { type: { any_: [...ADOPTABLE_STATE_TYPES] } }, ...(runs.size > 0 ? { id: { not_any_: [...runs.keys()] } } : {}) },
        work_pools: { name: { any_: [this.ctx.options.workPoolName] } },
        sort: "ID_DESC",
        limit: PAGE_SIZE,
      });
      for (const run of page) runs.set(run.id, run);
      if (page.length < PAGE_SIZE) return [...runs.values()];
    }
  }

  /** One adopted run: watch its infrastructure to the end and report, as a submission does after launching. */
  private async adoptRun(candidate: AdoptionCandidate, tracked: TrackedRun, renderSlots: <T>(fn: () => Promise<T>) => Promise<T>): Promise<void> {
    const { flowRun } = candidate;
    const { options } = this.ctx;
    const infrastructure = options.infrastructure;
    const log = this.ctx.logger.child({ flowRunId: flowRun.id });
    const { runLogs, runLog, onOutput } = this.reporter.runLogsFor(flowRun.id, log);
    const recordPid = (infrastructurePid: string, labels?: Record<string, string>) => this.submission.recordStarted(tracked, infrastructurePid, labels, log);
    try {
      const configuration = await renderSlots(async () => this.renderer.render(flowRun, await this.renderer.readInputs(flowRun))).catch((err: unknown) => {
        // A run whose template no longer renders (deployment deleted, template changed) can still be watched.
        if (!candidate.infrastructurePid) throw err;
        log.warn({ err }, "could not render the run's job configuration; watching it with the pool's defaults");
        return this.renderer.renderPoolDefaults();
      });
      tracked.configuration = configuration;
      const job: InfrastructureJob = {
        flowRun,
        configuration,
        logger: log,
        onOutput,
        onStarted: recordPid,
        onRunning: () => void this.reporter.reportRunning(flowRun.id, log),
      };
      let result: InfrastructureResult;
      if (candidate.infrastructurePid) {
        if (candidate.found) await recordPid(candidate.infrastructurePid);
        runLog(`Worker ${options.name} adopted the run's infrastructure ${candidate.infrastructurePid} after a worker restart`);
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
        runLog(`Worker ${options.name} is submitting this claimed run again after a worker restart (its infrastructure was never recorded)`);
        result = await infrastructure.run(job);
      } else {
        result = await infrastructure.adopt!(job, null);
      }
      await this.reporter.reportCost(flowRun.id, result, log);
      await this.reporter.reportResult(flowRun.id, result, runLog);
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
  private async rescheduleOrphanedClaim(flowRun: FlowRun, runLog: RunLog, log: Logger): Promise<void> {
    const { options } = this.ctx;
    if (!this.ctx.capabilities()?.set_state_preconditions.includes("expected_state_type")) {
      log.warn("claimed run with no infrastructure; left to the server's orphan recovery (the server has no set_state preconditions)");
      return;
    }
    const claimedAt = Date.parse(flowRun.state?.timestamp ?? "") || Date.now();
    const wait = claimedAt + options.orphanedClaimSeconds * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait).unref());
    if (!this.ctx.isActive()) return;
    const current = await options.client.readFlowRun(flowRun.id);
    if (current.state_type !== "PENDING" || current.state_id !== flowRun.state_id || current.infrastructure_pid) return;
    const message = `Claimed by a worker that stopped before starting it (nothing was started for ${options.orphanedClaimSeconds} s); rescheduled by worker ${options.name}.`;
    const result = await options.client.setFlowRunState(flowRun.id, { type: "SCHEDULED", name: "Scheduled", message }, { expectedStateType: "PENDING" });
    if (result.status === "ACCEPT") {
      runLog(message, 30);
      this.ctx.wake();
    }
  }

  private async adoptionFailed(candidate: AdoptionCandidate, err: unknown, runLog: RunLog, log: Logger): Promise<void> {
    const { flowRun } = candidate;
    if (err instanceof InfrastructureNotAvailableError) {
      log.info({ err }, "the run's infrastructure is not this worker's kind; not adopted");
      return;
    }
    if (err instanceof InfrastructureNotFoundError) {
      const current = await this.ctx.options.client.readFlowRun(flowRun.id).catch(() => flowRun);
      if (current.state_type === "CANCELLING") {
        await this.reporter
          .proposeFinal(flowRun.id, { type: "CANCELLED", name: "Cancelled", message: "Cancelled; its infrastructure no longer exists." })
          .catch((e) => log.error({ err: e }, "could not mark the run CANCELLED"));
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
      await this.reporter.crash(flowRun.id, message, log);
      return;
    }
    const known = err instanceof JobTemplateRenderError || err instanceof SubmissionError;
    const message = known ? err.message : `The worker could not resume watching this run: ${(err as Error).message}`;
    log.error({ err }, "adoption failed");
    runLog(message, 40);
    if (known) await this.reporter.crash(flowRun.id, message, log);
  }
}
