import { PassThrough, type Readable } from "node:stream";
import { createInterface } from "node:readline";
import Docker from "dockerode";
import type { Logger } from "pino";
import {
  ContainerStartError,
  ImagePullError,
  type ContainerDriver,
  type ContainerExit,
  type ContainerSpec,
  type ImagePullBehavior,
  type StartedContainer,
} from "./container-driver.js";
import type { EngineAddress } from "./detect-engine.js";

export interface EngineDriverOptions {
  address: EngineAddress;
  pullBehavior: ImagePullBehavior;
  /** Labels on every container this ecs-local creates: its instance, and its state folder when it has one. */
  instanceLabel: string;
  stateLabel?: string;
  /** Linux: "host", so containers reach the control plane and ecs-local on 127.0.0.1. */
  networkMode: string;
  logger: Logger;
}

export const LABELS = {
  instance: "ecs-local.instance",
  state: "ecs-local.state",
  // The names the ECS agent itself gives its containers.
  taskArn: "com.amazonaws.ecs.task-arn",
  cluster: "com.amazonaws.ecs.cluster",
  containerName: "com.amazonaws.ecs.container-name",
} as const;

const OOM_REASON = "OutOfMemoryError: Container killed due to memory usage";
const MIB = 1024 * 1024;

/**
 * Containers in a real engine, through the Docker Engine API (dockerode): Docker, or Podman's
 * Docker-compatible service. Images are pulled under ECS's pull behaviours; output is followed
 * through the engine's log endpoint (which replays from the start, so nothing printed before the
 * follow began is lost); StopTask's SIGTERM/SIGKILL become engine kills.
 */
export class EngineDriver implements ContainerDriver {
  readonly kind = "docker" as const;
  readonly engineAddress: string;
  readonly attributes: { name: string; value: string }[];
  private readonly docker: Docker;
  /** Images this ecs-local pulled itself ("once" pulls each image once). */
  private readonly pulled = new Set<string>();
  private readonly created = new Set<string>();
  /** Containers that ecs-local itself SIGKILLed: their 137 is not an out-of-memory kill. */
  private readonly killedByUs = new Set<string>();
  private limitsSupported: boolean | undefined;

  constructor(private readonly options: EngineDriverOptions) {
    this.docker = engineClient(options.address);
    this.engineAddress = options.address.display;
    this.attributes = [{ name: "ecs-local.runtime", value: "docker" }];
  }

  /** Checks that the engine answers, learns whether it enforces limits, and removes what an earlier run with the same state left. */
  async connect(): Promise<{ name: string; version: string }> {
    const version = (await this.docker.version()) as { Version?: string; Components?: { Name?: string; Version?: string }[] };
    const info = (await this.docker.info()) as { MemoryLimit?: boolean };
    this.limitsSupported = info.MemoryLimit !== false;
    if (!this.limitsSupported) this.attributes.push({ name: "ecs-local.limits", value: "not enforced: the engine has no memory cgroup" });
    if (this.options.stateLabel) await this.removeLabelled(`${LABELS.state}=${this.options.stateLabel}`);
    const component = version.Components?.[0];
    return { name: component?.Name ?? "Docker Engine", version: component?.Version ?? version.Version ?? "unknown" };
  }

  async ensureImage(image: string): Promise<void> {
    const present = await this.isPresent(image);
    const behavior = this.options.pullBehavior;
    if (behavior === "prefer-cached" && present) return;
    if (behavior === "once" && present && this.pulled.has(image)) return;
    try {
      await this.pull(image);
      this.pulled.add(image);
    } catch (err) {
      // ECS's default behaviour falls back to a cached image when the pull fails.
      if (behavior === "default" && present) return;
      throw new ImagePullError(`CannotPullContainerError: Error response from daemon: ${engineMessage(err)}`);
    }
  }

  async start(spec: ContainerSpec): Promise<StartedContainer> {
    const env = { ...spec.agentEnv };
    for (const layer of spec.environments) Object.assign(env, layer);
    const limits = this.limitsSupported === false ? {} : hostLimits(spec);
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer({
        name: containerName(spec),
        Image: spec.image,
        Entrypoint: spec.entryPoint,
        Cmd: spec.command,
        WorkingDir: spec.workingDirectory,
        User: spec.user,
        Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
        Labels: {
          [LABELS.instance]: this.options.instanceLabel,
          ...(this.options.stateLabel ? { [LABELS.state]: this.options.stateLabel } : {}),
          [LABELS.taskArn]: spec.taskArn,
          [LABELS.cluster]: spec.clusterArn,
          [LABELS.containerName]: spec.name,
        },
        AttachStdout: false,
        AttachStderr: false,
        Tty: false,
        HostConfig: { NetworkMode: this.options.networkMode, ...limits },
      });
    } catch (err) {
      throw new ContainerStartError(`CannotCreateContainerError: Error response from daemon: ${engineMessage(err)}`);
    }
    this.created.add(container.id);
    try {
      await container.start();
    } catch (err) {
      await this.remove(container.id);
      throw new ContainerStartError(`CannotStartContainerError: Error response from daemon: ${engineMessage(err)}`);
    }
    const inspected = await container.inspect().catch(() => undefined);
    const output = spec.onLine ? this.follow(container, spec.onLine) : Promise.resolve();
    const exited = this.waitForExit(container, output, Boolean(limits.Memory));
    return {
      runtimeId: container.id,
      pid: inspected?.State?.Pid || undefined,
      exited,
      signal: (signal) => {
        if (signal === "SIGKILL") this.killedByUs.add(container.id);
        container.kill({ signal }).catch(() => undefined);
      },
    };
  }

  async remove(runtimeId: string): Promise<void> {
    this.created.delete(runtimeId);
    await this.docker
      .getContainer(runtimeId)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.all([...this.created].map((id) => this.remove(id)));
    await this.removeLabelled(`${LABELS.instance}=${this.options.instanceLabel}`);
  }

  private async isPresent(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch {
      return false;
    }
  }

  private async pull(image: string): Promise<void> {
    const stream = (await this.docker.pull(image)) as Readable;
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve()));
    });
    // Some engines end a failed pull's stream without an error event; believe only a present image.
    if (!(await this.isPresent(image))) throw new Error(`pull access denied for ${image}, repository does not exist or may require 'docker login'`);
  }

  /** Every stdout/stderr line, in order per stream, until the container's output ends. */
  private async follow(container: Docker.Container, onLine: (line: string) => void): Promise<void> {
    const raw = (await container.logs({ follow: true, stdout: true, stderr: true })) as unknown as Readable;
    const out = new PassThrough();
    const err = new PassThrough();
    this.docker.modem.demuxStream(raw, out, err);
    const lines = (s: PassThrough) => new Promise<void>((resolve) => createInterface({ input: s, crlfDelay: Infinity }).on("line", onLine).on("close", resolve));
    const done = Promise.all([lines(out), lines(err)]);
    raw.on("end", () => {
      out.end();
      err.end();
    });
    raw.on("error", () => {
      out.end();
      err.end();
    });
    await done;
  }

  private async waitForExit(container: Docker.Container, output: Promise<void>, memoryLimited: boolean): Promise<ContainerExit> {
    let exitCode = 137;
    try {
      const result = (await container.wait()) as { StatusCode?: number };
      exitCode = result.StatusCode ?? exitCode;
    } catch (err) {
      this.options.logger.warn({ container: container.id, err: engineMessage(err) }, "lost the container while waiting for its exit");
    }
    const state = (await container.inspect().catch(() => undefined))?.State;
    if (state && typeof state.ExitCode === "number" && state.ExitCode !== 0) exitCode = state.ExitCode;
    // The log stream ends with the container; bound the wait so one stuck stream never holds a task.
    await Promise.race([output.catch(() => undefined), new Promise((r) => setTimeout(r, 2_000).unref())]);
    // Docker sets OOMKilled; Podman on cgroup v1 does not, so a SIGKILL that ecs-local did not
    // send, in a memory-limited container, is taken for the kernel's OOM killer.
    const oom = state?.OOMKilled === true || (memoryLimited && exitCode === 137 && !this.killedByUs.has(container.id));
    return { exitCode, reason: oom ? OOM_REASON : undefined };
  }

  private async removeLabelled(label: string): Promise<void> {
    const list = await this.docker.listContainers({ all: true, filters: { label: [label] } }).catch(() => []);
    await Promise.all(list.map((c) => this.remove(c.Id)));
  }
}

interface HostLimits {
  Memory?: number;
  MemoryReservation?: number;
  CpuShares?: number;
  NanoCpus?: number;
}

/** A Docker Engine API client for an address (unix socket or TCP). */
export function engineClient(a: EngineAddress): Docker {
  return a.socketPath ? new Docker({ socketPath: a.socketPath }) : new Docker({ host: a.host, port: a.port, protocol: a.protocol });
}

/** ECS's task and container sizes as engine limits: memory hard/soft limits, CPU shares, the task's CPU as a quota. */
function hostLimits(spec: ContainerSpec): HostLimits {
  const limits: HostLimits = {};
  if (spec.memoryMiB && spec.memoryMiB > 0) limits.Memory = spec.memoryMiB * MIB;
  if (spec.memoryReservationMiB && spec.memoryReservationMiB > 0) limits.MemoryReservation = spec.memoryReservationMiB * MIB;
  if (spec.cpuShares && spec.cpuShares >= 2) limits.CpuShares = spec.cpuShares;
  if (spec.cpuLimitUnits && spec.cpuLimitUnits > 0) limits.NanoCpus = Math.round((spec.cpuLimitUnits / 1024) * 1e9);
  return limits;
}

function containerName(spec: ContainerSpec): string {
  return `ecs-local-${spec.taskId}-${spec.name}`.replace(/[^a-zA-Z0-9_.-]/g, "-");
}

/** The engine's own words, without dockerode's "(HTTP code 404) no such image -" prefix. */
function engineMessage(err: unknown): string {
  const e = err as { json?: { message?: string }; message?: string };
  return (e.json?.message ?? e.message ?? String(err)).replace(/^\(HTTP code \d+\)[^-]*- /, "").trim();
}
