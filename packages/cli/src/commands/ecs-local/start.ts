import type { Command } from "commander";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { loadSettings } from "@ecsflow/settings";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { createOutput } from "../../output.js";
import { ENV, resolveStartOptions, type StartFlags } from "./start-options.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerStart(parent: Command): void {
  parent
    .command("start")
    .description("Serve ECS, CloudWatch Logs, EC2, STS, Secrets Manager, IAM, SQS and EventBridge on one port; tasks run as containers (Docker or Podman) or host processes")
    .option("--runtime <kind>", `what runs task containers: auto (an engine if one answers, else processes), docker (Docker Engine API: Docker or Podman) or process (env ${ENV.runtime}, default auto)`)
    .option("--engine-host <address>", `container engine address, e.g. unix:///run/podman/podman.sock (env ${ENV.engineHost})`)
    .option("--image-pull-behavior <kind>", `default, always, once or prefer-cached (env ${ENV.imagePullBehavior}, default prefer-cached)`)
    .option("--host <host>", `address to bind (env ${ENV.host}; default 127.0.0.1: anyone who reaches ecs-local can run tasks)`, undefined)
    .option("--access-key-id <id>", `accept only AWS calls signed with this access key id (env ${ENV.accessKeyId}); its secret key, verified when set, comes from ${ENV.secretAccessKey}, the admin routes' bearer token from ${ENV.adminToken}`)
    .option("--port <port>", `port; 0 picks a free one (env ${ENV.port}, default 4566)`)
    .option("--state-dir <dir>", `save state here and reload it on start (env ${ENV.stateDir})`)
    .option("--region <region>", `Region in ARNs (env ${ENV.region}, default us-east-1)`)
    .option("--account-id <id>", `12-digit account ID in ARNs (env ${ENV.accountId}, default 000000000000)`)
    .option("--profile <name>", `provisioning delay profile: instant, default (100-500 ms) or fargate (30-60 s) (env ${ENV.profile})`)
    .option("--provisioning-delay <min-max>", `provisioning delay range in ms, overrides --profile (env ${ENV.provisioningDelay})`)
    .option("--time-factor <n>", `multiply simulated durations, e.g. 0.1 (env ${ENV.timeFactor}, default 1)`)
    .option("--no-limits", `turn AWS's token buckets off (env ${ENV.limits}=off)`)
    .option("--limit <name=burst/rate>", "adjust a token bucket, e.g. runTaskStopTask=100/40 (repeatable)", collect)
    .option("--capacity <cpu,memory>", `EC2 capacity per cluster in CPU units and MiB, e.g. 4096,8192 (env ${ENV.capacity})`)
    .option("--fault <spec>", "inject faults: kind[:Operation][@fraction][*count], kind one of throttle, server-error, cannot-pull-container, task-failed-to-start (repeatable)", collect)
    .option("--images-file <file>", `JSON list of image mappings {image, entryPoint, command, workingDirectory, environment} (env ${ENV.imagesFile})`)
    .option("--network-file <file>", `JSON {vpcs: [...]} of extra VPCs, subnets and security groups (env ${ENV.networkFile})`)
    .option("--pass-env <name>", "host environment variable passed to task processes, beside PATH, HOME, LANG, … (repeatable)", collect)
    .option("--seed <n>", "seed for fault fractions and delays")
    .option("--shutdown-grace <ms>", "on stop, how long task processes get after SIGTERM before SIGKILL (default 10000)")
    .option("--json", "print the endpoint as JSON")
    .addHelpText(
      "after",
      "\nThen point the AWS SDK or CLI at it, with any credentials:\n  export AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1\n\nAdmin API (counters, limits, faults, settings): GET/PUT http://HOST:PORT/_ecs-local/…",
    )
    .action(async (flags: StartFlags) => {
      const out = createOutput(Boolean(flags.json));
      const settings = loadSettings();
      const binPath = fileURLToPath(new URL("../../../bin/ecsflow.js", import.meta.url));
      const resolved = resolveStartOptions(flags, process.env, binPath);
      const logger = pino({ level: settings["logging.level"], redact: ["*.SecretString", "*.secretString", "*.SecretBinary"] }, pino.destination(2));
      const { startEcsLocal, EcsLocalConfigError, EcsLocalStateError } = await import("@ecsflow/ecs-local");
      let handle;
      try {
        handle = await startEcsLocal({ ...resolved, logger });
      } catch (err) {
        if (err instanceof EcsLocalConfigError || err instanceof EcsLocalStateError) throw new CliError(err.message, ExitCode.Usage, { cause: err });
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EADDRINUSE") throw new CliError(`Port ${resolved.port} on ${resolved.host} is in use; pick another with --port (0 picks a free one).`, ExitCode.Usage, { cause: err });
        if (code === "EADDRNOTAVAIL" || code === "EACCES") throw new CliError(`Cannot listen on ${resolved.host}:${resolved.port} (${code}).`, ExitCode.Usage, { cause: err });
        throw err;
      }
      // Task processes live in their own process groups, so nothing else stops them: if this process
      // ends any other way than through close(), kill them on the way out.
      const onExit = () => handle.killTaskProcessesNow();
      process.on("exit", onExit);
      // Signal handlers before the address is printed: until they exist a SIGTERM kills the
      // process outright (tasks left running), and whoever reads the address may send one at once.
      const stopped = new Promise<void>((resolveStop) => {
        let stopping = false;
        const stop = (signal: NodeJS.Signals) => {
          if (stopping) {
            // Staying registered keeps a second Ctrl-C from killing us before the tasks are down.
            out.warn(`Received ${signal} again: still stopping tasks (SIGKILL follows SIGTERM within --shutdown-grace).`);
            return;
          }
          stopping = true;
          out.warn(`Received ${signal}: stopping tasks and ecs-local…`);
          void handle.close().then(resolveStop, (err: unknown) => {
            out.warn(`Error while stopping: ${(err as Error).message}`);
            resolveStop();
          });
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      out.result({ url: handle.url, host: handle.host, port: handle.port, runtime: handle.runtime.kind, engine: handle.runtime.engine }, () => {
        out.info(`ecs-local listening on ${handle.url}`);
        out.info(handle.runtime.kind === "docker" ? `  tasks run as containers in the engine at ${handle.runtime.engine}` : "  tasks run as host processes (no container engine in use)");
        out.info(`  export AWS_ENDPOINT_URL=${handle.url} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=${resolved.region ?? "us-east-1"}`);
        out.info("Stop with Ctrl-C: running tasks get SIGTERM, then SIGKILL.");
      });
      await stopped;
      process.removeListener("exit", onExit);
    });
}
