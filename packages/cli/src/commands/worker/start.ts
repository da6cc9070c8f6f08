import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import type { Logger } from "pino";
import { ECSFLOW_VERSION } from "@ecsflow/schemas";
import { loadSettings, type Settings } from "@ecsflow/settings";
import type { Infrastructure, Worker } from "@ecsflow/worker";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { createRootLogger } from "../../logger.js";
import { startTracingFor } from "../../start-tracing-for.js";
import { parsePort, parsePositiveNumber } from "../../parse-options.js";
import { waitForShutdown } from "../server/start.js";

interface StartFlags {
  pool: string;
  type: string;
  queue: string[];
  name?: string;
  limit?: string;
  prefetchSeconds?: string;
  pollInterval?: string;
  runOnce?: boolean;
  withHealthcheck?: boolean;
  healthcheckPort: string;
  createPoolIfNotFound: boolean;
  apiUrl?: string;
  awsRegion?: string;
  awsEndpointUrl?: string;
}

/** The `ecsflow` executable of this installation, so process runs use the same version. */
function ecsflowCommand(): string[] {
  return [process.execPath, fileURLToPath(new URL("../../../bin/ecsflow.js", import.meta.url))];
}

/**
 * Loads only the chosen infrastructure: the ECS one brings the AWS SDK (about 120 MB of RSS), which
 * a process worker must not pay for.
 */
async function buildInfrastructure(version: string, type: string, settings: Settings, logger: Logger): Promise<Infrastructure> {
  if (type === "process") {
    const { ProcessInfrastructure } = await import("@ecsflow/worker/process");
    return new ProcessInfrastructure({ baseEnv: process.env, ecsflowCommand: ecsflowCommand() });
  }
  if (type === "ecs") {
    const { EcsInfrastructure, EcsInfrastructureOptionsError } = await import("@ecsflow/worker/ecs");
    try {
      // Credentials: the AWS SDK's default chain (environment, profile, ECS task role).
      return new EcsInfrastructure({
        logger: logger.child({ infrastructure: "ecs" }),
        region: settings["aws.region"],
        endpoint: settings["aws.endpoint_url"],
        defaultImage: settings["worker.ecs.default_image"] ?? `ecsflow/ecsflow:${version}`,
        secrets: [settings["api.key"], settings["api.auth_string"]],
        taskEvents: settings["worker.ecs.task_events_queue_url"] ? { queueUrl: settings["worker.ecs.task_events_queue_url"] } : undefined,
      });
    } catch (err) {
      if (err instanceof EcsInfrastructureOptionsError) throw new CliError(err.message, ExitCode.Usage);
      throw err;
    }
  }
  throw new CliError(`Unknown worker type "${type}". Available: process, ecs.`, ExitCode.Usage);
}

export function registerWorkerStart(parent: Command): void {
  parent
    .command("start")
    .description("Start a worker for a work pool (connects with PREFECT_API_URL / PREFECT_API_KEY)")
    .requiredOption("-p, --pool <name>", "work pool to poll")
    .option("-t, --type <type>", "infrastructure type: process or ecs", "process")
    .option("-q, --queue <name>", "poll only this queue (repeat for several)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("-n, --name <name>", "worker name (default: <type>-worker-<host>-<random>)")
    .option("-l, --limit <n>", "at most this many concurrent flow runs on this worker")
    .option("--prefetch-seconds <s>", "claim runs scheduled up to this many seconds ahead (default 10)")
    .option("--poll-interval <s>", "seconds between polls (default 10)")
    .option("--run-once", "poll once, wait for the runs it started, and exit")
    .option("--with-healthcheck", "serve GET /health for container health checks")
    .option("--healthcheck-port <port>", "port of the health check server", "8080")
    .option("--no-create-pool-if-not-found", "fail instead of creating a missing work pool")
    .option("--api-url <url>", "API URL (env PREFECT_API_URL)")
    .option("--aws-region <region>", "ecs: AWS Region (env ECSFLOW_AWS_REGION; else the AWS SDK's AWS_REGION / profile)")
    .option("--aws-endpoint-url <url>", "ecs: endpoint for every AWS call, e.g. ecs-local's (env ECSFLOW_AWS_ENDPOINT_URL)")
    .action(async (flags: StartFlags) => {
      const settings = loadSettings({ flags: { "api.url": flags.apiUrl, "aws.region": flags.awsRegion, "aws.endpoint_url": flags.awsEndpointUrl } });
      const apiUrl = settings["api.url"];
      if (!apiUrl) {
        throw new CliError("No API URL: set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api), pass --api-url, or run `ecsflow config set api.url URL`.", ExitCode.Usage);
      }
      // Loaded here, not at the top: every other `ecsflow` command starts faster without them.
      const { Worker: WorkerClass } = await import("@ecsflow/worker/core");
      const { WorkerOptionsError } = await import("@ecsflow/worker/core");
      const { EcsflowClient } = await import("@ecsflow/client");
      const logger = createRootLogger({ level: settings["logging.level"], format: settings["logging.format"], name: "ecsflow-worker" });
      const tracing = await startTracingFor("ecsflow-worker", logger);
      const client = new EcsflowClient({
        apiUrl,
        apiKey: settings["api.key"],
        authString: settings["api.auth_string"],
        onRetry: (i) => logger.warn({ method: i.method, path: i.path, attempt: i.attempt, delayMs: i.delayMs, reason: i.reason }, "API call failed; retrying"),
      });
      const infrastructure = await buildInfrastructure(ECSFLOW_VERSION, flags.type, settings, logger);
      let worker: Worker;
      try {
        worker = WorkerClass.create({
          client,
          infrastructure,
          logger,
          workPoolName: flags.pool,
          workQueueNames: flags.queue,
          name: flags.name,
          limit: flags.limit === undefined ? null : parsePositiveNumber(flags.limit, "--limit"),
          prefetchSeconds: flags.prefetchSeconds === undefined ? undefined : Number(flags.prefetchSeconds),
          pollIntervalSeconds: flags.pollInterval === undefined ? undefined : parsePositiveNumber(flags.pollInterval, "--poll-interval"),
          runOnce: flags.runOnce,
          orphanedClaimSeconds: settings["worker.orphaned_claim_seconds"],
          createPoolIfNotFound: flags.createPoolIfNotFound,
          apiKeyForRuns: settings["api.key"],
          hostEnv: process.env,
          version: ECSFLOW_VERSION,
        });
      } catch (err) {
        if (err instanceof WorkerOptionsError) throw new CliError(err.message, ExitCode.Usage);
        throw err;
      }
      const health = flags.withHealthcheck ? await (await import("@ecsflow/worker/core")).startHealthServer(() => worker.getStatus(), parsePort(flags.healthcheckPort, "--healthcheck-port")) : undefined;
      if (health) logger.info({ healthcheckPort: health.port }, "health check listening on /health");
      const running = worker.run();
      if (!flags.runOnce) void waitForShutdown(async () => worker.shutdown());
      try {
        await running;
      } finally {
        await health?.close();
        await tracing.shutdown().catch((err: unknown) => logger.warn({ err }, "could not export the last spans"));
      }
      // After a signal the worker has stopped; infrastructure it started keeps running on its own,
      // so the output pipes of process runs must not keep this process alive.
      if (!flags.runOnce) process.exit(0);
    });
}
