import type { Command } from "commander";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";

export function registerFlowRunExecute(parent: Command): void {
  parent
    .command("execute")
    .description("Run a deployment's flow run in this process (the default command of each flow-run task); reads PREFECT__FLOW_RUN_ID")
    .argument("[flow-run-id]", "the flow run to execute (default: $PREFECT__FLOW_RUN_ID)")
    .option("--cancellation-poll-seconds <seconds>", "how often to check whether the run was cancelled", "2")
    .action(async (id: string | undefined, opts: { cancellationPollSeconds: string }) => {
      // The command lives in the SDK (a flow image carries only the SDK); imported here so other
      // commands do not pay for it. bin/ecsflow.js usually goes there directly, without commander.
      const { runFlowRunExecuteCommand, ExecuteUsageError } = await import("@ecsflow/sdk/execute-main");
      try {
        process.exitCode = await runFlowRunExecuteCommand({ flowRunId: id, cancellationPollSeconds: opts.cancellationPollSeconds });
      } catch (err) {
        if (err instanceof ExecuteUsageError) throw new CliError(err.message, ExitCode.Usage);
        throw err;
      }
    });
}
