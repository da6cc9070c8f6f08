import { InfrastructureNotAvailableError, InfrastructureNotFoundError } from "./errors.js";
import type { RunReporter } from "./run-reporter.js";
import type { WorkerContext } from "./worker-context.js";

const STOPPED_MESSAGE = "The run's infrastructure was stopped after a cancellation request.";

/** Stops the infrastructure of the pool's runs in CANCELLING, whether this worker started them or not. */
export class Cancellation {
  private readonly check = { running: false, again: false };

  constructor(
    private readonly ctx: WorkerContext,
    private readonly reporter: RunReporter,
  ) {}

  /** Runs checkForCancelledRuns now, or once more after the check in progress. */
  async checkSoon(): Promise<void> {
    const state = this.check;
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    try {
      do {
        state.again = false;
        await this.checkForCancelledRuns().catch((err) => this.ctx.logger.warn({ err }, "cancellation check failed"));
      } while (state.again);
    } finally {
      state.running = false;
    }
  }

  /** Finds this pool's runs in CANCELLING and stops their infrastructure. */
  async checkForCancelledRuns(): Promise<void> {
    const { client, workPoolName } = this.ctx.options;
    const cancelling = await client.filterFlowRuns({
      flow_runs: { state: { type: { any_: ["CANCELLING"] } } },
      work_pools: { name: { any_: [workPoolName] } },
      limit: 200,
    });
    await Promise.all(cancelling.map((run) => this.cancelRun(run.id, run.infrastructure_pid ?? undefined)));
  }

  async cancelRun(flowRunId: string, infrastructurePid: string | undefined): Promise<void> {
    const tracked = this.ctx.runs.get(flowRunId);
    const pid = infrastructurePid ?? tracked?.infrastructurePid;
    if (!pid) {
      if (tracked) {
        // Claimed here but not started yet: cancel as soon as it has an id.
        tracked.cancelRequested = true;
        return;
      }
      await this.reporter.proposeFinal(flowRunId, { type: "CANCELLED", name: "Cancelled", message: "Cancelled before its infrastructure started." });
      return;
    }
    try {
      await this.killInfrastructure(pid, tracked?.configuration ?? {});
    } catch (err) {
      if (err instanceof InfrastructureNotAvailableError) return; // another worker's to kill
      if (!(err instanceof InfrastructureNotFoundError)) {
        this.ctx.logger.warn({ err, flowRunId }, "could not stop infrastructure; will retry");
        return;
      }
    }
    // A run this worker watches is reported by its watcher; others are closed here.
    if (!tracked) await this.reporter.proposeFinal(flowRunId, { type: "CANCELLED", name: "Cancelled", message: STOPPED_MESSAGE });
  }

  async killInfrastructure(infrastructurePid: string, configuration: Record<string, unknown>): Promise<void> {
    const { infrastructure, killGraceSeconds } = this.ctx.options;
    await infrastructure.kill(infrastructurePid, configuration, killGraceSeconds);
  }
}
