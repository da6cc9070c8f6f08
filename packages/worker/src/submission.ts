import type { Logger } from "pino";
import type { FlowRun } from "@ecsflow/schemas";
import type { Cancellation } from "./cancellation.js";
import { JobTemplateRenderError, SubmissionError } from "./errors.js";
import { traceClaim } from "./flow-run-tracing.js";
import type { JobRenderer } from "./job-renderer.js";
import type { TrackedRun } from "./run-registry.js";
import type { RunReporter } from "./run-reporter.js";
import type { WorkerContext } from "./worker-context.js";

/** One due run's way to its infrastructure: claim → render → run → watch → report, as Prefect's `_submit_run`. */
export class Submission {
  constructor(
    private readonly ctx: WorkerContext,
    private readonly reporter: RunReporter,
    private readonly renderer: JobRenderer,
    private readonly cancellation: Cancellation,
  ) {}

  /** Claims a run by proposing PENDING; true when this worker won it. */
  async claim(flowRun: FlowRun): Promise<boolean> {
    const result = await this.ctx.options.client.setFlowRunState(flowRun.id, { type: "PENDING", name: "Pending" });
    if (result.status === "ACCEPT") return true;
    this.ctx.logger.debug({ flowRunId: flowRun.id, status: result.status, reason: (result.details as { reason?: string }).reason }, "run claimed elsewhere; skipping");
    return false;
  }

  async submitRun(flowRun: FlowRun, tracked: TrackedRun): Promise<void> {
    const { options } = this.ctx;
    const log = this.ctx.logger.child({ flowRunId: flowRun.id });
    // The reads the job needs go out with the claim, not after it: one round trip less between
    // "run due" and "infrastructure started". A lost claim just discards them.
    const inputs = this.renderer.readInputs(flowRun);
    inputs.catch(() => undefined);
    let won: boolean;
    try {
      won = await traceClaim(flowRun.id, () => this.claim(flowRun));
    } catch (err) {
      log.warn({ err }, "claim failed; the run stays SCHEDULED for the next poll");
      return;
    }
    if (!won) return;
    const { runLogs, runLog, onOutput } = this.reporter.runLogsFor(flowRun.id, log);
    try {
      const configuration = this.renderer.render(flowRun, await inputs);
      tracked.configuration = configuration;
      runLog(`Worker ${options.name} submitting flow run ${flowRun.id} to ${options.infrastructure.type} infrastructure`);
      const result = await options.infrastructure.run({
        flowRun,
        configuration,
        logger: log,
        onOutput,
        onStarted: async (infrastructurePid, labels) => {
          log.info({ infrastructurePid }, "infrastructure started");
          this.reporter.recordDueToStarted(flowRun);
          await this.recordStarted(tracked, infrastructurePid, labels, log);
        },
        onRunning: () => void this.reporter.reportRunning(flowRun.id, log),
      });
      await this.reporter.reportCost(flowRun.id, result, log);
      await this.reporter.reportResult(flowRun.id, result, runLog);
    } catch (err) {
      const message =
        err instanceof JobTemplateRenderError || err instanceof SubmissionError
          ? err.message
          : `The worker could not submit this run: ${(err as Error).message}`;
      log.error({ err }, "submission failed");
      runLog(message, 40);
      await this.reporter.crash(flowRun.id, message, log);
    } finally {
      await runLogs.close();
    }
  }

  /**
   * The run's infrastructure has an id: record it on the run (the durable point a shutdown waits
   * for), with its labels, and act on a cancel that came before the id existed.
   */
  async recordStarted(tracked: TrackedRun, infrastructurePid: string, labels: Record<string, string> | undefined, log: Logger): Promise<void> {
    tracked.infrastructurePid = infrastructurePid;
    const labelled = this.reporter.recordInfrastructureLabels(tracked.flowRunId, labels, log);
    try {
      await this.ctx.options.client.updateFlowRun(tracked.flowRunId, { infrastructure_pid: infrastructurePid });
    } finally {
      tracked.markSubmitted();
    }
    if (tracked.cancelRequested) void this.cancellation.cancelRun(tracked.flowRunId, infrastructurePid);
    await labelled;
  }
}
