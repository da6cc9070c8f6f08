import { existsSync } from "node:fs";
import { newRuntimeId } from "../ids.js";
import type { ImageMapping } from "../options.js";
import { resolveContainerLaunch, type ContainerLaunch } from "./container-launch.js";
import { ContainerStartError, type ContainerDriver, type ContainerSpec, type StartedContainer } from "./container-driver.js";
import { HostProcess } from "./host-process.js";

export interface ProcessDriverOptions {
  images: ImageMapping[];
  commandAliases: Record<string, string[]>;
  defaultWorkingDirectory: string;
  hostEnv: Record<string, string>;
}

const NO_COMMAND = "CannotStartContainerError: Error response from daemon: No command specified";

/**
 * Containers as host processes: the image is only a name, mapped to an entry point and working
 * directory by the image mappings; there is nothing to pull, and limits are not enforced.
 */
export class ProcessDriver implements ContainerDriver {
  readonly kind = "process" as const;
  readonly engineAddress = undefined;
  readonly attributes = [{ name: "ecs-local.runtime", value: "process" }];

  constructor(private readonly options: ProcessDriverOptions) {}

  async ensureImage(): Promise<void> {
    // Images are mappings, not pulled artefacts.
  }

  async start(spec: ContainerSpec): Promise<StartedContainer> {
    const launch = resolveContainerLaunch(
      { image: spec.image, entryPoint: spec.entryPoint, command: spec.command, workingDirectory: spec.workingDirectory, environments: spec.environments },
      { ...this.options, agentEnv: spec.agentEnv },
    );
    if (!launch) throw new ContainerStartError(NO_COMMAND);
    let proc: HostProcess;
    try {
      // Node reports a missing cwd as a missing executable; check it first to say which it is.
      if (!existsSync(launch.cwd)) throw Object.assign(new Error(`chdir ${launch.cwd}`), { code: "ENOENT", syscall: "chdir" });
      proc = await HostProcess.start({ ...launch, onLine: spec.onLine });
    } catch (err) {
      throw new ContainerStartError(startErrorReason(err as NodeJS.ErrnoException, launch));
    }
    return {
      runtimeId: newRuntimeId(),
      pid: proc.pid,
      exited: proc.exited.then((e) => ({ exitCode: e.exitCode })),
      signal: (signal) => proc.signal(signal),
    };
  }

  async remove(): Promise<void> {}

  async close(): Promise<void> {}
}

/** Words a failed spawn the way Docker reports a container that cannot start. */
function startErrorReason(err: NodeJS.ErrnoException, launch: ContainerLaunch): string {
  const prefix = "CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process:";
  if (err.code === "ENOENT" && err.syscall?.startsWith("spawn")) {
    return `${prefix} exec: "${launch.argv[0]}": executable file not found in $PATH: unknown`;
  }
  if (err.code === "ENOENT") return `${prefix} chdir to cwd ("${launch.cwd}") set in config.json failed: no such file or directory: unknown`;
  if (err.code === "EACCES") return `${prefix} exec: "${launch.argv[0]}": permission denied: unknown`;
  return `${prefix} ${err.message}: unknown`;
}
