import { relative } from "node:path";
import pino from "pino";
import { loadSettings } from "@ecsflow/settings";
import { ExitCode } from "../../exit-codes.js";
import { REDACT_PATHS } from "../../logger.js";
import { createOutput } from "../../output.js";
import { CLI_ROOT } from "./deploy-examples.js";
import { runDemo, type DemoResult } from "./run-demo.js";
import { startStack, StartInterruptedError, type Stack } from "./start-stack.js";
import { formatTimingBreakdown } from "./timing-breakdown.js";
import { BIN_PATH, resolveUpOptions, type UpFlags, type UpOptions } from "./up-options.js";

/** Exit code of `ecsflow demo` stopped by Ctrl-C before its run ended (128 + SIGINT, as shells report it). */
const INTERRUPTED = 130;

/**
 * `ecsflow up` (mode "up": stays up until Ctrl-C or SIGTERM, running the demo first with --demo)
 * and `ecsflow demo` (starts, runs the demo once, stops; exit 0 only when the run COMPLETED).
 * People get progress and a summary on stdout; with --json, stdout carries JSON Lines
 * (`{"event":"ready",…}`, then `{"event":"demo",…}`) and everything else goes to stderr.
 */
export async function runUp(flags: UpFlags, mode: "up" | "demo"): Promise<void> {
  const options = resolveUpOptions(flags, process.env, mode);
  const out = createOutput(options.json);
  const say = (line: string) => (options.json ? out.warn(line) : out.info(line));
  const emit = (value: Record<string, unknown>) => {
    if (options.json) process.stdout.write(`${JSON.stringify(value)}\n`);
  };
  const settings = loadSettings({ flags: { home: options.dataDir } });
  // The console is for the summary and the demo; the pieces' own logs only when something is wrong
  // (or when ECSFLOW_LOGGING_LEVEL asks for more).
  const logger = pino({ level: process.env.ECSFLOW_LOGGING_LEVEL || "warn", redact: { paths: REDACT_PATHS, censor: "****" } }, pino.destination(2));

  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) return out.warn(`Received ${signal} again: still stopping (task processes get SIGKILL after their grace period).`);
    out.warn(`Received ${signal}: stopping the worker, every task, ecs-local and the server…`);
    stop.abort(new StartInterruptedError(`Stopped by ${signal}.`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    let stack: Stack;
    try {
      stack = await startStack(options, settings, logger, { progress: say, signal: stop.signal });
    } catch (err) {
      if (!(err instanceof StartInterruptedError)) throw err;
      say("Stopped; everything that had started is stopped.");
      process.exitCode = mode === "demo" ? INTERRUPTED : ExitCode.Ok;
      return;
    }
    try {
      // A generated key is shown this once (it is nowhere else to read back); a given one never.
      emit({ event: "ready", ...readyView(stack), auth: options.apiKey ? "api-key" : "none", ...(options.apiKeyGenerated ? { apiKey: options.apiKey } : {}), ...(options.aws.adminToken ? { ecsLocalCredentials: { ...options.aws.credentials, adminToken: options.aws.adminToken } } : {}) });
      if (!options.json) printReady(stack, say, mode, options);
      if (mode === "demo" || flags.demo) {
        const result = await demo(stack, options, say, stop.signal);
        if (result === "interrupted") {
          process.exitCode = mode === "demo" ? INTERRUPTED : ExitCode.Ok;
          return;
        }
        emit({ event: "demo", ...result });
        if (mode === "demo") {
          if (result.state !== "COMPLETED") {
            process.exitCode = ExitCode.RunNotCompleted;
            out.warn(`Error: the demo run ${result.finished ? `ended ${result.state}${result.message ? `: ${result.message}` : ""}` : `did not end within --timeout (still ${result.state})`}.`);
          }
          return;
        }
        say("The system stays up; Ctrl-C stops everything.");
      }
      if (!stop.signal.aborted) await new Promise((resolve) => stop.signal.addEventListener("abort", resolve, { once: true }));
    } finally {
      await stack.close();
      say("Stopped: server, ecs-local and every task.");
    }
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}

async function demo(stack: Stack, options: UpOptions, say: (line: string) => void, signal: AbortSignal): Promise<DemoResult | "interrupted"> {
  let result: DemoResult;
  try {
    result = await runDemo(stack, say, { timeoutMs: options.demoTimeoutMs, signal });
  } catch (err) {
    if (signal.aborted) return "interrupted";
    throw err;
  }
  say("");
  say(`Timing of flow run '${result.runName}' (${result.state ?? "no state"}), from its state history and its ECS task's timestamps:`);
  for (const line of formatTimingBreakdown(result.timings)) say(line);
  say("");
  return result;
}

function readyView(stack: Stack) {
  return {
    apiUrl: stack.apiUrl,
    uiUrl: stack.uiUrl,
    ecsLocalUrl: stack.ecsLocalUrl,
    runtime: stack.ecsLocal.runtime.kind,
    dataDir: stack.dataDir,
    pool: stack.pool,
    cluster: stack.cluster,
    service: stack.service,
    workerTaskArn: stack.worker.taskArn,
    workerPid: stack.worker.pid,
    workerName: stack.worker.name,
    deployments: stack.deployments.map((d) => d.name),
    pid: process.pid,
  };
}

/** How to call this build from the current folder (`ecsflow` need not be on PATH). */
function ecsflowCommand(): string {
  const rel = relative(process.cwd(), BIN_PATH);
  return process.cwd() === CLI_ROOT ? `node ${rel}` : `node ${BIN_PATH}`;
}

function printReady(stack: Stack, say: (line: string) => void, mode: "up" | "demo", options: UpOptions): void {
  const ecsflow = ecsflowCommand();
  const hello = stack.deployments[0].name;
  say("");
  say(`ecsflow is up: the worker runs as ECS service ${stack.service} (task ${stack.worker.taskArn.slice(stack.worker.taskArn.lastIndexOf("/") + 1)}${stack.worker.pid ? `, pid ${stack.worker.pid}` : ""}) in ecs-local's cluster ${stack.cluster}.`);
  say(`  UI          ${stack.uiUrl}`);
  say(`  API         ${stack.apiUrl}`);
  say(`  ecs-local   ${stack.ecsLocalUrl}  (ECS, CloudWatch Logs, EC2, IAM, … for the AWS SDK and CLI)`);
  say(`  tasks       ${stack.ecsLocal.runtime.kind === "docker" ? `containers of ecsflow:local in ${stack.ecsLocal.runtime.engine}` : "host processes"}`);
  say(`  data        ${stack.dataDir}`);
  say(`  deployments ${stack.deployments.map((d) => d.name).join(", ")}  (examples/, work pool ${stack.pool})`);
  if (options.apiKeyGenerated) say(`  API key     ${options.apiKey}  (generated; shown only now: keep it)`);
  else if (options.apiKey) say("  API key     required (the one given with --api-key)");
  if (mode === "demo") return say("");
  say("");
  say("Run a deployment from another terminal:");
  say(`  export PREFECT_API_URL=${stack.apiUrl}`);
  if (options.apiKey) say("  export PREFECT_API_KEY=<the API key>");
  say(`  ${ecsflow} deployment run ${hello} --param name=Ada --watch`);
  say(`  ${ecsflow} flow-run ls`);
  say("See the worker and each run as ECS tasks:");
  // With an API key, ecs-local's Secrets Manager holds it: ecs-local then takes only this run's credentials.
  const creds = options.aws.adminToken ? stack.aws.credentials : { accessKeyId: "test", secretAccessKey: "test" };
  say(`  AWS_ENDPOINT_URL=${stack.ecsLocalUrl} AWS_ACCESS_KEY_ID=${creds.accessKeyId} AWS_SECRET_ACCESS_KEY=${creds.secretAccessKey} AWS_REGION=us-east-1 aws ecs list-tasks --cluster ${stack.cluster}`);
  say("Ctrl-C stops everything.");
  say("");
}

