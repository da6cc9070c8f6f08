import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Logger } from "pino";
import { EcsflowClient } from "@ecsflow/client";
import type { EcsLocalHandle } from "@ecsflow/ecs-local";
import type { PlanEntry } from "@ecsflow/provision";
import type { RunningServer } from "@ecsflow/server";
import type { Settings } from "@ecsflow/settings";
import { startTracingFor } from "../../start-tracing-for.js";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { serverOptionsFromSettings } from "../server/server-options.js";
import { deployExamples, WORKSPACE_ROOT, type DeployedExample } from "./deploy-examples.js";
import { ecsLocalOptions, type LocalAws, type UpOptions } from "./up-options.js";
import { waitForWorker, type WorkerTask } from "./wait-for-worker.js";

export interface Stack {
  apiUrl: string;
  uiUrl: string;
  ecsLocalUrl: string;
  dataDir: string;
  pool: string;
  cluster: string;
  service: string;
  worker: WorkerTask;
  deployments: DeployedExample[];
  client: EcsflowClient;
  ecsLocal: EcsLocalHandle;
  /** The credentials ecs-local accepts from this process (generated when `up` runs with an API key). */
  aws: LocalAws;
  /** Stops ecs-local (every task: the worker and any flow run, SIGTERM then SIGKILL), then the server. Safe to call twice. */
  close(): Promise<void>;
  /** Synchronous last resort for an `exit` hook: SIGKILLs every task process. */
  killTaskProcessesNow(): void;
}

export interface StackHooks {
  /** A line of progress for a step that takes a moment. */
  progress(message: string): void;
  /** Set when the user asked to stop while the stack was starting: stop at the next step. */
  signal: AbortSignal;
}

/** Thrown when a stop was asked for before the stack was up; everything started was stopped. */
export class StartInterruptedError extends Error {
  override readonly name = "StartInterruptedError";
}

/**
 * The seed's diagram on one machine, in this process: the server (SQLite in the data folder),
 * ecs-local, then the very provisioning `ecsflow ecs provision` runs against AWS, so the worker is
 * the task of an ECS service in ecs-local's cluster; then the examples deployed to its pool. On a
 * failure or a stop request midway, whatever started is stopped before this throws.
 */
/**
 * The OTEL_* settings the worker's task needs to trace as this process does. Not the OTLP headers:
 * they may carry a collector's credentials, and a task definition is no place for those.
 */
export function tracingEnvironmentForTasks(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const names = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG", "OTEL_TRACES_EXPORTER", "OTEL_SDK_DISABLED"];
  return Object.fromEntries(names.filter((n) => env[n]).map((n) => [n, env[n]!]));
}

export async function startStack(options: UpOptions, settings: Settings, logger: Logger, hooks: StackHooks): Promise<Stack> {
  const started: (() => Promise<void>)[] = [];
  const stopStarted = async () => {
    for (const stop of started.splice(0).reverse()) await stop().catch((err: unknown) => logger.warn({ err }, "while stopping"));
  };
  let exitHook: (() => void) | undefined;
  const checkpoint = async () => {
    if (!hooks.signal.aborted) return;
    await stopStarted();
    throw new StartInterruptedError("Stopped before everything was up.");
  };
  try {
    if (options.temporaryDataDir) started.push(async () => rmSync(options.dataDir, { recursive: true, force: true }));

    // Off unless OTEL_* name a collector; then this process's server traces, and the worker's task gets the same settings.
    const tracing = await startTracingFor("ecsflow-server", logger, { asyncContext: false });
    started.push(() => tracing.shutdown());

    hooks.progress(`Starting the server (SQLite in ${options.dataDir})…`);
    const { startServer, DatabaseConfigError } = await import("@ecsflow/server");
    let server: RunningServer;
    try {
      server = await startServer({
        ...serverOptionsFromSettings(settings, logger.child({ name: "ecsflow-server" })),
        host: options.host,
        port: options.port,
        databaseUrl: `sqlite://${join(options.dataDir, "ecsflow.db")}`,
        // With a key, every route but health and the UI's files needs it; without, local only (127.0.0.1) and open.
        auth: options.apiKey ? { apiKey: options.apiKey } : {},
      });
    } catch (err) {
      if (err instanceof DatabaseConfigError) throw new CliError(err.message, ExitCode.Usage, { cause: err });
      throw portError(err, options.host, options.port, "--port") ?? err;
    }
    started.push(() => server.close());
    const apiUrl = server.apiUrl;
    const client = new EcsflowClient({ apiUrl, apiKey: options.apiKey, userAgent: "ecsflow-up", retry: { maxAttempts: 3 } });
    await checkpoint();

    // Chosen before ecs-local starts: a worker task restored from the last `up` may take 8080 at once.
    const healthPort = await workerHealthPort(!options.temporaryDataDir);
    hooks.progress("Starting ecs-local (the local AWS endpoint)…");
    const { startEcsLocal, EcsLocalConfigError, EcsLocalStateError } = await import("@ecsflow/ecs-local");
    let ecsLocal: EcsLocalHandle;
    try {
      ecsLocal = await startEcsLocal({ ...ecsLocalOptions(options, process.env), logger: logger.child({ component: "ecs-local" }) });
    } catch (err) {
      if (err instanceof EcsLocalConfigError || err instanceof EcsLocalStateError) throw new CliError(err.message, ExitCode.Usage, { cause: err });
      throw portError(err, options.host, options.ecsPort, "--ecs-port") ?? err;
    }
    // Task processes live in their own process groups: if this process ends any other way than
    // through close(), they would outlive it.
    const handle = ecsLocal;
    exitHook = () => handle.killTaskProcessesNow();
    process.on("exit", exitHook);
    started.push(() => handle.close());
    await checkpoint();

    // With a container engine, the worker and every flow run are containers of the runtime image.
    let image: string | undefined;
    if (ecsLocal.runtime.kind === "docker") {
      // Loaded only here: process mode never needs the engine client.
      const { ensureRuntimeImage, ImageBuildError, DEFAULT_IMAGE_TAG } = await import("@ecsflow/image");
      hooks.progress(`Tasks run as containers (engine ${ecsLocal.runtime.engine}); checking the runtime image ${DEFAULT_IMAGE_TAG}…`);
      try {
        const ensured = await ensureRuntimeImage({ repoDir: WORKSPACE_ROOT, engineHost: ecsLocal.runtime.engine, onProgress: (line) => logger.debug({ line }, "image build") });
        hooks.progress(ensured.built ? `  built ${ensured.tag} from this checkout` : `  ${ensured.tag} is current`);
        image = ensured.tag;
      } catch (err) {
        if (err instanceof ImageBuildError) throw new CliError(`${err.message} (or run with --runtime process)`, ExitCode.Rejected, { cause: err });
        throw err;
      }
      await checkpoint();
    } else {
      hooks.progress("  tasks run as host processes (no container engine answers; see --runtime)");
    }

    hooks.progress(`Provisioning work pool "${options.pool}" on ecs-local (cluster, roles, log group, the worker's task definition and ECS service)…`);
    const { provision, resourceNames } = await import("@ecsflow/provision");
    const { asCliErrors } = await import("../ecs/aws-flags.js");
    const names = resourceNames(options.pool);
    await asCliErrors(() =>
      provision({
        pool: options.pool,
        apiUrl,
        connection: { endpoint: ecsLocal.url, region: options.aws.region, credentials: options.aws.credentials },
        api: client,
        healthPort,
        image,
        workerEnvironment: tracingEnvironmentForTasks(process.env),
        // The worker's task definition names the secret; ECS (here ecs-local) puts its value in the worker's environment at start.
        ...(options.apiKey ? { createApiKeySecret: { apiKey: options.apiKey } } : {}),
        onEntry: (e: PlanEntry) => {
          if (e.action === "create" || e.action === "update") hooks.progress(`  ${e.action === "create" ? "created" : "updated"} ${e.resource} ${e.name}${e.detail ? ` (${e.detail})` : ""}`);
        },
      }),
    );
    await checkpoint();

    hooks.progress("Deploying the examples…");
    const deployments = await deployExamples(client, options.pool, image ? "image" : "host");
    await checkpoint();

    hooks.progress(`Waiting for the worker: ECS service ${names.service} starting its task…`);
    const worker = await waitForWorker({ endpoint: ecsLocal.url, aws: options.aws, cluster: names.cluster, service: names.service, client, pool: options.pool, admin: ecsLocal.admin, signal: hooks.signal });
    await checkpoint();

    let closing: Promise<void> | undefined;
    return {
      apiUrl,
      uiUrl: apiUrl.replace(/\/api$/, "/"),
      ecsLocalUrl: ecsLocal.url,
      dataDir: options.dataDir,
      pool: options.pool,
      cluster: names.cluster,
      service: names.service,
      worker,
      deployments,
      client,
      ecsLocal,
      aws: options.aws,
      close: () =>
        (closing ??= stopStarted().finally(() => {
          if (exitHook) process.removeListener("exit", exitHook);
        })),
      killTaskProcessesNow: () => ecsLocal.killTaskProcessesNow(),
    };
  } catch (err) {
    await stopStarted();
    if (exitHook) process.removeListener("exit", exitHook);
    if (err instanceof StartInterruptedError || !hooks.signal.aborted) throw err;
    // A stop request makes steps in flight fail (their endpoints went away): that is the stop, not an error.
    throw new StartInterruptedError("Stopped before everything was up.", { cause: err });
  }
}

function portError(err: unknown, host: string, port: number, flag: string): CliError | undefined {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") return new CliError(`Port ${port} on ${host} is in use (is \`ecsflow up\` already running?); pick another with ${flag} (0 picks a free one).`, ExitCode.Usage, { cause: err });
  if (code === "EADDRNOTAVAIL" || code === "EACCES") return new CliError(`Cannot listen on ${host}:${port} (${code}); pick another ${flag}.`, ExitCode.Usage, { cause: err });
  return undefined;
}

/**
 * Worker tasks are host processes here, so the health check's port is the host's. With a data
 * folder that outlives this run, 8080 when it is free, so that the task definition stays the same
 * from one `up` to the next; else any free port.
 */
async function workerHealthPort(preferStable: boolean): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((done) => {
      const probe = createServer();
      probe.once("error", () => done(undefined));
      probe.listen(port, "0.0.0.0", () => {
        const address = probe.address();
        const got = typeof address === "object" && address ? address.port : undefined;
        probe.close(() => done(got));
      });
    });
  return (preferStable ? await tryListen(8080) : undefined) ?? (await tryListen(0)) ?? 8080;
}
