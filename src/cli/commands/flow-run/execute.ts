import type { Command } from "commander";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";

/** Exit code after SIGTERM without a cancellation request (128 + 15, what a shell reports). */
const SIGTERM_EXIT = 143;

export function registerFlowRunExecute(parent: Command): void {
  parent
    .command("execute")
    .description("Run a deployment's flow run in this process (the default command of each flow-run task); reads PREFECT__FLOW_RUN_ID")
    .argument("[flow-run-id]", "the flow run to execute (default: $PREFECT__FLOW_RUN_ID)")
    .option("--cancellation-poll-seconds <seconds>", "how often to check whether the run was cancelled", "2")
    .action(async (id: string | undefined, opts: { cancellationPollSeconds: string }) => {
      // Imported here so other commands do not pay for the SDK, and this one not for theirs.
      const [{ loadSettings }, { EcsflowClient }, { executeFlowRun, RunCancelledError, RunCrashedError }, { startTracing }] = await Promise.all([
        import("../../../settings/index.js"),
        import("../../../client/index.js"),
        import("../../../sdk/index.js"),
        import("../../../telemetry/index.js"),
      ]);
      const settings = loadSettings();
      const flowRunId = id ?? settings["flow_run.id"];
      if (!flowRunId) throw new CliError("No flow run to execute: pass its id or set PREFECT__FLOW_RUN_ID (the worker sets it in each task).", ExitCode.Usage);
      const apiUrl = settings["api.url"];
      if (!apiUrl) throw new CliError("No API to report to: set PREFECT_API_URL (or ECSFLOW_API_URL), e.g. http://127.0.0.1:4200/api.", ExitCode.Usage);
      const pollSeconds = Number(opts.cancellationPollSeconds);
      if (!(pollSeconds > 0)) throw new CliError(`--cancellation-poll-seconds must be a positive number, got ${JSON.stringify(opts.cancellationPollSeconds)}.`, ExitCode.Usage);
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
      try {
        const result = await executeFlowRun({ client, flowRunId, cwd: process.cwd(), signal: stop.signal, cancellationPollMs: pollSeconds * 1000, traceparent: process.env.TRACEPARENT });
        process.stderr.write(`${result.message}\n`);
        process.exitCode = result.finalType === "COMPLETED" ? ExitCode.Ok : crashed ? SIGTERM_EXIT : ExitCode.RunNotCompleted;
      } finally {
        process.off("SIGTERM", onSigterm);
        // The process exits next: the run's spans go out now or never.
        await tracing.shutdown().catch((err: unknown) => process.stderr.write(`Could not export the run's trace: ${(err as Error).message}\n`));
      }
      // The run has its final state and its logs are flushed: a timer or socket the flow left
      // open must not keep the task (and its ECS bill) alive.
      setTimeout(() => process.exit(), 0).unref();
    });
}
