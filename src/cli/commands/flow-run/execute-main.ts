import { Command, CommanderError } from "commander";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { registerFlowRunExecute } from "./execute.js";

/**
 * `ecsflow flow-run execute` without the rest of the CLI: `bin/ecsflow.js` comes here directly so
 * a flow-run task does not load the server, AWS SDK and UI modules before the flow's first line.
 */
export async function runFlowRunExecute(argv: string[]): Promise<void> {
  const program = new Command("ecsflow").exitOverride();
  const flowRun = program.command("flow-run").exitOverride();
  registerFlowRunExecute(flowRun);
  flowRun.commands.forEach((c) => c.exitOverride());
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.code === "commander.helpDisplayed" || err.code === "commander.help" ? ExitCode.Ok : ExitCode.Usage;
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof CliError) {
      process.stderr.write(`Error: ${message}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    const name = (err as { name?: string } | undefined)?.name;
    process.stderr.write(`Error: ${message}\n`);
    process.exitCode = name === "ApiUnreachableError" ? ExitCode.Unreachable : name === "SettingsError" ? ExitCode.Usage : ExitCode.Unexpected;
  }
}
