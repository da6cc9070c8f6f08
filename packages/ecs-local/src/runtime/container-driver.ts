/**
 * What the task runtime needs from whatever runs a task's containers: host processes (the fallback
 * that works anywhere) or a container engine spoken to over the Docker Engine API (Docker, or
 * Podman's Docker-compatible service). The runtime owns the ECS lifecycle; a driver only pulls,
 * starts, signals and removes containers.
 */

export type RuntimeKind = "process" | "docker";

/** ECS agent's ECS_IMAGE_PULL_BEHAVIOR values. */
export type ImagePullBehavior = "default" | "always" | "once" | "prefer-cached";

export interface ContainerSpec {
  taskArn: string;
  taskId: string;
  clusterArn: string;
  /** The container's name in the task definition. */
  name: string;
  image: string;
  entryPoint?: string[];
  command?: string[];
  workingDirectory?: string;
  user?: string;
  /** Task definition `environment`, then the override's, then resolved `secrets`: later wins. */
  environments: Record<string, string>[];
  /** What the ECS agent adds (AWS_REGION, the metadata and credentials endpoints, …); task values win over it. */
  agentEnv: Record<string, string>;
  /** Hard memory limit (MiB): the container's `memory`, else the task's. */
  memoryMiB?: number;
  /** Soft memory limit (MiB): the container's `memoryReservation`. */
  memoryReservationMiB?: number;
  /** The container's `cpu` units: a relative weight (CPU shares), as the ECS agent applies it. */
  cpuShares?: number;
  /** The task's `cpu` units (1024 = one vCPU): a hard cap, as on Fargate. */
  cpuLimitUnits?: number;
  /** Each line of stdout/stderr (awslogs); absent when the container has no awslogs configuration. */
  onLine?: (line: string) => void;
}

export interface ContainerExit {
  /** The exit status, or 128 + the signal number when killed by a signal (137 after SIGKILL). */
  exitCode: number;
  /** ECS's container `reason`, e.g. "OutOfMemoryError: Container killed due to memory usage". */
  reason?: string;
}

export interface StartedContainer {
  /** ECS's `runtimeId`: the engine's container ID, or a generated one for a host process. */
  readonly runtimeId: string;
  /** The host PID of the container's main process, when known (admin view). */
  readonly pid?: number;
  /** Resolves once the container has exited and its output has been delivered. */
  readonly exited: Promise<ContainerExit>;
  /** Sends a signal to the container's processes; ignored once it has exited. */
  signal(signal: "SIGTERM" | "SIGKILL"): void;
}

/** The container could not be started; `reason` is worded as ECS words it. */
export class ContainerStartError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** The image could not be pulled; `reason` is worded as ECS words it (CannotPullContainerError: …). */
export class ImagePullError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface ContainerDriver {
  readonly kind: RuntimeKind;
  /** Where the engine is (a socket path or URL), for logs; undefined for host processes. */
  readonly engineAddress?: string;
  /**
   * Task attributes saying what the driver could not honour (e.g. memory limits on an engine
   * without cgroup support); merged into DescribeTasks' `attributes`.
   */
  readonly attributes: { name: string; value: string }[];
  /** Makes the image available under the pull behaviour; throws ImagePullError. */
  ensureImage(image: string): Promise<void>;
  /** Throws ContainerStartError when the container cannot start. */
  start(spec: ContainerSpec): Promise<StartedContainer>;
  /** Removes a stopped container (after the task's retention); a no-op for host processes. */
  remove(runtimeId: string): Promise<void>;
  /** Removes every container this driver created, and containers a previous run with the same state left behind. */
  close(): Promise<void>;
}
