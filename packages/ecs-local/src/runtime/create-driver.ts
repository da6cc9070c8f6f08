import { createHash, randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { EcsLocalConfigError } from "../errors.js";
import type { CompiledOptions } from "../options.js";
import type { ContainerDriver } from "./container-driver.js";
import { candidateEngineAddresses, findEngine } from "./detect-engine.js";
import { EngineDriver } from "./engine-driver.js";
import { ProcessDriver } from "./process-driver.js";

/**
 * Picks what runs task containers, as `runtime` asks: `process`; `docker` (an engine must answer);
 * `auto` (an engine when one answers, else processes). The choice is logged, since the same task
 * definition behaves differently on each.
 */
export async function createDriver(opts: CompiledOptions, logger: Logger): Promise<ContainerDriver> {
  const processDriver = () =>
    new ProcessDriver({ images: opts.images, commandAliases: opts.commandAliases, defaultWorkingDirectory: opts.defaultWorkingDirectory, hostEnv: opts.hostEnv });
  if (opts.runtime === "process") {
    logger.info({ runtime: "process" }, "tasks run as host processes");
    return processDriver();
  }
  const candidates = candidateEngineAddresses(opts.engineHost, process.getuid?.());
  const address = await findEngine(opts.engineHost && opts.runtime === "docker" ? candidates.slice(0, 1) : candidates);
  if (!address) {
    const tried = candidates.map((c) => c.display).join(", ");
    if (opts.runtime === "docker") {
      throw new EcsLocalConfigError(
        `No container engine answers at ${opts.engineHost ? candidates[0].display : tried}. Start Docker, or Podman's service (podman system service --time=0 unix:///run/podman/podman.sock), set DOCKER_HOST, or use --runtime process.`,
        "runtime",
      );
    }
    logger.info({ runtime: "process", tried }, "no container engine answers; tasks run as host processes");
    return processDriver();
  }
  const driver = new EngineDriver({
    address,
    pullBehavior: opts.imagePullBehavior,
    instanceLabel: randomUUID(),
    // Containers of one state folder are recognised by the next start with that folder.
    stateLabel: opts.stateDir ? createHash("sha256").update(opts.stateDir).digest("hex").slice(0, 16) : undefined,
    // Host networking lets containers reach the control plane and ecs-local on 127.0.0.1 (Linux).
    networkMode: "host",
    logger,
  });
  let engine: { name: string; version: string };
  try {
    engine = await driver.connect();
  } catch (err) {
    throw new EcsLocalConfigError(`The container engine at ${address.display} answered _ping but not its API: ${(err as Error).message}`, "runtime");
  }
  logger.info({ runtime: "docker", engine: address.display, engineName: engine.name, engineVersion: engine.version, pull: opts.imagePullBehavior }, "tasks run as containers");
  return driver;
}
