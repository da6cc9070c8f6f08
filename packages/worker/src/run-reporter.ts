import type { Logger } from "pino";
import { LogBatcher } from "@ecsflow/client";
import { TERMINAL_STATE_TYPES, type FlowRun, type StateCreate, type StateType } from "@ecsflow/schemas";
import { explainExitCode } from "./explain-exit-code.js";
import type { InfrastructureResult } from "./infrastructure/infrastructure.js";
import type { WorkerContext } from "./worker-context.js";

export type RunLog = (message: string, level?: number) => void;

/** A run's log shipping: the worker's own lines about it and its infrastructure's output. */
export interface RunLogs {
  runLogs: LogBatcher;
  runLog: RunLog;
  onOutput: (line: string, stream: "stdout" | "stderr" | "infrastructure") => void;
}

/**
 * Everything the worker tells the server about a run it holds: logs, labels, RUNNING, cost and the
 * final state. Shared by submission and adoption, which report a run's end the same way.
 */
export class RunReporter {
  constructor(private readonly ctx: WorkerContext) {}

  runLogsFor(flowRunId: string, log: Logger): RunLogs {
    const { client, metrics } = this.ctx.options;
    const runLogs = new LogBatcher({
      send: async (logs) => {
        await client.createLogs(logs);
        metrics.logLinesShipped.inc(logs.length);
      },
      onError: (err, info) => log.warn({ err, ...info }, "could not ship run logs"),
    });
    const entry = (name: string, level: number, message: string) => ({ name, level, message, timestamp: new Date().toISOString(), flow_run_id: flowRunId });
    return {
      runLogs,
      runLog: (message, level = 20) => runLogs.add(entry("ecsflow.worker", level, message)),
      onOutput: (line, stream) => runLogs.add(entry(`ecsflow.${stream}`, stream === "stderr" ? 40 : 20, line)),
    };
  }

  /**
   * Merges what the infrastructure reported about itself (ECS: task definition, launch type) into
   * the run's labels, beside the infrastructure id. They are for people reading the run, so a
   * failure (e.g. a Prefect server without the labels endpoint) is logged, never the run's.
   */
  async recordInfrastructureLabels(flowRunId: string, labels: Record<string, string> | undefined, log: Logger): Promise<void> {
    if (!labels || Object.keys(labels).length === 0) return;
    try {
      await this.ctx.options.client.updateFlowRunLabels(flowRunId, labels);
    } catch (err) {
      log.warn({ err }, "could not record the infrastructure's labels on the run");
    }
  }

  recordDueToStarted(flowRun: FlowRun): void {
    const { metrics, infrastructure } = this.ctx.options;
    const due = Date.parse(flowRun.next_scheduled_start_time ?? flowRun.expected_start_time ?? "");
    if (Number.isFinite(due)) metrics.dueToStarted.observe({ infrastructure: infrastructure.type }, Math.max(0, Date.now() - due) / 1000);
  }

  /**
   * Shows RUNNING for a command that never talks to the API (any container image), but only
   * while the run is still PENDING: if the flow said RUNNING (or finished) first, the server
   * aborts this proposal. Needs the server's precondition, so against Prefect's server the run
   * shows RUNNING only if its command reports it.
   */
  async reportRunning(flowRunId: string, log: Logger, attempt = 1): Promise<void> {
    if (!this.ctx.capabilities()?.set_state_preconditions.includes("expected_state_type")) return;
    try {
      const result = await this.ctx.options.client.setFlowRunState(
        flowRunId,
        { type: "RUNNING", name: "Running", message: `Worker ${this.ctx.options.name} saw the run's infrastructure running.` },
        { expectedStateType: "PENDING" },
      );
      // Started ahead of its scheduled time (prefetch): show RUNNING once it is due.
      const delay = (result.details as { delay_seconds?: number }).delay_seconds;
      if (result.status === "WAIT" && attempt < 3 && this.ctx.runs.has(flowRunId) && delay !== undefined) {
        setTimeout(() => void this.reportRunning(flowRunId, log, attempt + 1), Math.max(0, delay * 1000)).unref();
      }
    } catch (err) {
      log.debug({ err }, "could not report RUNNING; the run reports its own states");
    }
  }

  /** The infrastructure ended: keep a final state the run reported itself, else decide from the exit. */
  async reportResult(flowRunId: string, result: InfrastructureResult, runLog: RunLog): Promise<void> {
    const current = await this.ctx.options.client.readFlowRun(flowRunId);
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
  async reportCost(flowRunId: string, result: InfrastructureResult, log: Logger): Promise<void> {
    if (!result.usage || !this.ctx.capabilities()?.run_costs) return;
    try {
      await this.ctx.options.client.reportFlowRunUsage(flowRunId, result.usage);
    } catch (err) {
      log.warn({ err, flowRunId }, "could not report the run's cost");
    }
  }

  async proposeFinal(flowRunId: string, state: StateCreate): Promise<void> {
    const result = await this.ctx.options.client.setFlowRunState(flowRunId, state);
    if (result.status !== "ACCEPT") {
      this.ctx.logger.info({ flowRunId, proposed: state.type, status: result.status }, "final state not accepted; keeping the server's");
    }
  }

  /** Proposes CRASHED with `message`; a failure to do so is logged (the server's orphan recovery is the net). */
  async crash(flowRunId: string, message: string, log: Logger): Promise<void> {
    await this.proposeFinal(flowRunId, { type: "CRASHED", name: "Crashed", message }).catch((e) => log.error({ err: e }, "could not mark the run CRASHED"));
  }
}
