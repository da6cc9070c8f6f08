import { resolve } from "node:path";
import { ApiUnreachableError } from "@ecsflow/client";
import type { EcsflowClient } from "@ecsflow/client";
import type { StateType } from "@ecsflow/schemas";
import { ApiSession } from "./api-session.js";
import { ParameterValidationError, RunCancelledError } from "./errors.js";
import { loadFlowFromEntrypoint } from "./load-entrypoint.js";
import { describeError } from "./run-attempts.js";
import { createRunLogger } from "./run-logger.js";
import { validateParameters } from "./validate-parameters.js";
import { withTraceparent } from "./run-span.js";

// Not imported from schemas' index: that would load TypeBox and Ajv before the flow's first line.
const TERMINAL_STATE_TYPES: readonly StateType[] = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"];

export interface ExecuteFlowRunOptions {
  client: EcsflowClient;
  flowRunId: string;
  /** Where a deployment's relative `path` starts (the process's working directory). */
  cwd: string;
  /** Aborted by the caller on SIGTERM: RunCancelledError or RunCrashedError as its reason. */
  signal?: AbortSignal;
  /** How often the run's state is read to notice CANCELLING. */
  cancellationPollMs?: number;
  /** W3C traceparent the worker gave the task (its TRACEPARENT): the flow run's span is its child. */
  traceparent?: string;
}

export interface ExecuteFlowRunResult {
  finalType: StateType;
  message: string;
}

/**
 * The in-task executor (`ecsflow flow-run execute`): loads the deployment's flow and runs the
 * existing flow run to a final state, which it reports itself (the worker then keeps it).
 * Throws ApiUnreachableError when the API cannot be reached to read or report the run.
 */
export async function executeFlowRun(o: ExecuteFlowRunOptions): Promise<ExecuteFlowRunResult> {
  const { client, flowRunId } = o;
  const session = new ApiSession(client);
  const logger = createRunLogger({ name: "prefect.flow_runs", label: `Flow run ${flowRunId}`, flowRunId, batcher: session.batcher });
  const fail = async (message: string): Promise<ExecuteFlowRunResult> => {
    logger.error(message);
    try {
      await client.setFlowRunState(flowRunId, { type: "FAILED", name: "Failed", message });
    } catch (err) {
      if (err instanceof ApiUnreachableError) throw err;
      logger.error(`Could not report FAILED: ${describeError(err)}`);
    }
    return { finalType: "FAILED", message };
  };
  const controller = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, controller.signal]) : controller.signal;
  let poll: NodeJS.Timeout | undefined;
  try {
    const run = await client.readFlowRun(flowRunId);
    if (run.state_type && TERMINAL_STATE_TYPES.includes(run.state_type)) {
      return { finalType: run.state_type, message: `Flow run ${flowRunId} is already ${run.state_type}; nothing to do.` };
    }
    if (!run.deployment_id) return await fail(`Flow run ${flowRunId} has no deployment, so there is no entrypoint to run.`);
    const deployment = await client.readDeployment(run.deployment_id);
    if (!deployment.entrypoint) return await fail(`Deployment ${deployment.name} has no entrypoint (set \`entrypoint: path/file.ts:flowName\` in ecsflow.yaml and deploy again).`);
    const baseDir = resolve(o.cwd, deployment.path ?? ".");
    let definition;
    try {
      definition = await loadFlowFromEntrypoint(deployment.entrypoint, baseDir);
    } catch (err) {
      return await fail(`Flow could not be loaded from ${deployment.entrypoint}: ${err instanceof Error ? err.message : String(err)}`);
    }
    let parameters: Record<string, unknown>;
    try {
      parameters = await validateParameters(definition.options.name, definition.options.parameters, (run.parameters ?? {}) as Record<string, unknown>);
    } catch (err) {
      if (err instanceof ParameterValidationError) return await fail(`Validation of flow parameters failed: ${err.issues.join("; ")}`);
      throw err;
    }
    poll = setInterval(() => {
      client
        .readFlowRun(flowRunId)
        .then((r) => {
          if (r.state_type === "CANCELLING") controller.abort(new RunCancelledError("The flow run was cancelled (it went CANCELLING)."));
        })
        .catch(() => undefined);
    }, o.cancellationPollMs ?? 2000);
    poll.unref();
    const result = await withTraceparent(o.traceparent, flowRunId, () => definition.run(parameters, { flowRun: run, session, signal }));
    const message = result.finalType === "COMPLETED" ? "Flow run completed." : `Flow run ended ${result.finalType}: ${describeError(result.error)}`;
    return { finalType: result.finalType, message };
  } catch (err) {
    // Without the API nothing can be read or reported: the caller exits 4, as every CLI command
    // does when the API is unreachable, and the worker decides the run's state from that.
    if (err instanceof ApiUnreachableError) throw err;
    // Raised before or around the run (API errors, a start the server refused): report, never hide.
    const current = await client.readFlowRun(flowRunId).catch(() => undefined);
    if (current?.state_type && TERMINAL_STATE_TYPES.includes(current.state_type)) {
      return { finalType: current.state_type, message: `Flow run ended ${current.state_type}: ${describeError(err)}` };
    }
    if (current?.state_type === "CANCELLING") {
      await client.setFlowRunState(flowRunId, { type: "CANCELLED", name: "Cancelled", message: "Cancelled before the flow started." }).catch(() => undefined);
      return { finalType: "CANCELLED", message: "The flow run was cancelled before it started." };
    }
    return await fail(`Flow run failed: ${describeError(err)}${err instanceof Error && err.stack ? `\n${err.stack}` : ""}`);
  } finally {
    if (poll) clearInterval(poll);
    await session.close();
  }
}
