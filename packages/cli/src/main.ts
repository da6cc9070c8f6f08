import { Command, CommanderError } from "commander";
import { ApiError, ApiUnreachableError } from "@ecsflow/client";
import { SettingsError } from "@ecsflow/settings";
import { registerConfig } from "./commands/config/index.js";
import { registerServer } from "./commands/server/index.js";
import { registerWorker } from "./commands/worker/index.js";
import { registerEcsLocal } from "./commands/ecs-local/index.js";
import { registerEcs } from "./commands/ecs/index.js";
import { registerImage } from "./commands/image/index.js";
import { registerWorkPool } from "./commands/work-pool/index.js";
import { registerWorkQueue } from "./commands/work-queue/index.js";
import { registerDeployment } from "./commands/deployment/index.js";
import { registerFlowRun } from "./commands/flow-run/index.js";
import { registerFlow } from "./commands/flow/index.js";
import { registerDeploy } from "./commands/deploy/index.js";
import { registerInit } from "./commands/init/index.js";
import { registerUp } from "./commands/up/index.js";
import { registerCost } from "./commands/cost/index.js";
import { registerNotification } from "./commands/notification/index.js";
import { CliError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";

export function buildProgram(): Command {
  const program = new Command("ecsflow")
    .description("Workflow orchestration on AWS ECS: every flow run is an ECS task.")
    .version(process.env.npm_package_version ?? "0.1.0", "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerConfig(program);
  registerServer(program);
  registerWorker(program);
  registerEcsLocal(program);
  registerEcs(program);
  registerImage(program);
  registerWorkPool(program);
  registerWorkQueue(program);
  registerDeployment(program);
  registerFlowRun(program);
  registerFlow(program);
  registerDeploy(program);
  registerInit(program);
  registerUp(program);
  registerCost(program);
  registerNotification(program);
  // Every subcommand throws instead of exiting, so one place maps errors to exit codes.
  const applyExitOverride = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(applyExitOverride);
  };
  applyExitOverride(program);
  return program;
}

/** Runs the CLI and sets the process exit code; never prints a stack trace for expected errors. */
export async function runCli(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander already printed the message (or the help text).
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return ExitCode.Ok;
    return ExitCode.Usage;
  }
  if (err instanceof CliError) {
    process.stderr.write(`Error: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof ApiUnreachableError) {
    process.stderr.write(`Error: ${err.message}\n`);
    return ExitCode.Unreachable;
  }
  if (err instanceof ApiError) {
    process.stderr.write(`Error: ${err.message}\n`);
    return ExitCode.Rejected;
  }
  if (err instanceof SettingsError) {
    process.stderr.write(`Error: ${err.message}\n`);
    return ExitCode.Usage;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`Unexpected error: ${message}\nSet ECSFLOW_DEBUG=1 to see the stack trace, and please report it.\n`);
  if (process.env.ECSFLOW_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return ExitCode.Unexpected;
}
