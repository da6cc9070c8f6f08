import { parseArgs } from "node:util";
import { ApiUnreachableError, EcsflowClient } from "@ecsflow/client";
import { ExitCode } from "@ecsflow/schemas";
import { loadSettings, SettingsError } from "@ecsflow/settings";
import { startTracing } from "@ecsflow/telemetry";
import { RunCancelledError, RunCrashedError } from "./errors.js";
import { executeFlowRun } from "./execute-flow-run.js";

/** Exit code after SIGTERM without a cancellation request (128 + 15, what a shell reports). */
const SIGTERM_EXIT = 143;

const FLOW_RUN_EXECUTE_DESCRIPTION =
  "Run a deployment's flow run in this process (the default command of each flow-run task); reads PREFECT__FLOW_RUN_ID";

const USAGE = `Usage: ecsflow flow-run execute [options] [flow-run-id]

${FLOW_RUN_EXECUTE_DESCRIPTION}

Arguments:
  flow-run-id                            the flow run to execute (default: $PREFECT__FLOW_RUN_ID)

Options:
  --cancellation-poll-seconds <seconds>  how often to check whether the run was cancelled (default: "2")
  -h, --help                             display help for command
`;

/** A wrong command line or setting: the message is for the person who wrote it. */
export class ExecuteUsageError extends Error {
  override readonly name = "ExecuteUsageError";
}

export interface FlowRunExecuteArgs {
  flowRunId?: string;
  /** As typed: checked here so the CLI and the SDK-only entry point say the same. @default "2" */
  cancellationPollSeconds?: string;
}

/**
 * `ecsflow flow-run execute`: loads the deployment's flow and runs it, reporting to the API in the
 * task's environment. Returns the process's exit code. Lives in the SDK so a flow image needs only
 * the SDK (with client, schemas, settings and telemetry), not the CLI and the server behind it.
 */
export async function runFlowRunExecuteCommand(args: FlowRunExecuteArgs): Promise<number> {
  const settings = loadSettings();
  const flowRunId = args.flowRunId ?? settings["flow_run.id"];
  if (!flowRunId) throw new ExecuteUsageError("No flow run to execute: pass its id or set PREFECT__FLOW_RUN_ID (the worker sets it in each task).");
  const apiUrl = settings["api.url"];
  if (!apiUrl) throw new ExecuteUsageError("No API to report to: set PREFECT_API_URL (or ECSFLOW_API_URL), e.g. http://127.0.0.1:4200/api.");
  const pollText = args.cancellationPollSeconds ?? "2";
  const pollSeconds = Number(pollText);
  if (!(pollSeconds > 0)) throw new ExecuteUsageError(`--cancellation-poll-seconds must be a positive number, got ${JSON.stringify(pollText)}.`);
  const client = new EcsflowClient({ apiUrl, apiKey: settings["api.key"], authString: settings["api.auth_string"], userAgent: "ecsflow-executor" });

  // SIGTERM (ECS StopTask, the worker's kill): CANCELLED when cancellation was asked for, else CRASHED.
  const stop = new AbortController();
  let crashed = false;
  const onSigterm = () => {
    client
      .readFlowRun(flowRunId)
      .catch(() => undefined)
      .then((run) => {
        if (run?.state_type === "CANCELLING") stop.abort(new RunCancelledError("The flow run was cancelled; the process received SIGTERM."));
        else {
          crashed = true;
          stop.abort(new RunCrashedError("The process received SIGTERM (the task was stopped from outside) without a cancellation request."));
        }
      });
  };
  // Off (nothing loaded) unless OTEL_* name an endpoint; TRACEPARENT is the worker's, naming the run's trace.
  const tracing = await startTracing({ env: process.env, serviceName: "ecsflow-flow-run" });
  process.on("SIGTERM", onSigterm);
  let exitCode: number;
  try {
    const result = await executeFlowRun({ client, flowRunId, cwd: process.cwd(), signal: stop.signal, cancellationPollMs: pollSeconds * 1000, traceparent: process.env.TRACEPARENT });
    process.stderr.write(`${result.message}\n`);
    exitCode = result.finalType === "COMPLETED" ? ExitCode.Ok : crashed ? SIGTERM_EXIT : ExitCode.RunNotCompleted;
  } finally {
    process.off("SIGTERM", onSigterm);
    // The process exits next: the run's spans go out now or never.
    await tracing.shutdown().catch((err: unknown) => process.stderr.write(`Could not export the run's trace: ${(err as Error).message}\n`));
  }
  // The run has its final state and its logs are flushed: a timer or socket the flow left
  // open must not keep the task (and its ECS bill) alive.
  setTimeout(() => process.exit(), 0).unref();
  return exitCode;
}

/** Exit code for an error out of runFlowRunExecuteCommand, with its message on stderr (no stack trace). */
function reportExecuteError(err: unknown): number {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`Error: ${message}\n`);
  if (err instanceof ExecuteUsageError || err instanceof SettingsError) return ExitCode.Usage;
  return err instanceof ApiUnreachableError ? ExitCode.Unreachable : ExitCode.Unexpected;
}

/**
 * The arguments after `flow-run execute`, without the rest of the CLI: `ecsflow`'s bin comes here
 * directly so a flow-run task loads neither the server, the AWS SDK nor commander before the
 * flow's first line, and an SDK-only image calls it the same way.
 */
export async function runFlowRunExecute(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { "cancellation-poll-seconds": { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = ExitCode.Usage;
    return;
  }
  if (parsed.values.help) {
    process.stdout.write(USAGE);
    process.exitCode = ExitCode.Ok;
    return;
  }
  if (parsed.positionals.length > 1) {
    process.stderr.write(`error: too many arguments for 'execute'. Expected 1 argument but got ${parsed.positionals.length}.\n`);
    process.exitCode = ExitCode.Usage;
    return;
  }
  try {
    process.exitCode = await runFlowRunExecuteCommand({ flowRunId: parsed.positionals[0], cancellationPollSeconds: parsed.values["cancellation-poll-seconds"] });
  } catch (err) {
    process.exitCode = reportExecuteError(err);
  }
}
