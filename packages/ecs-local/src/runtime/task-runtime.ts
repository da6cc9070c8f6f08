import type { Logger } from "pino";
import type { FaultInjector } from "../faults/fault-injector.js";
import type { CompiledOptions } from "../options.js";
import type { LogStore } from "../services/logs/log-store.js";
import type { SecretStore } from "../services/secrets-manager/secret-store.js";
import type { ContainerRecord, EcsLocalState, StopCode, TaskDefinitionRecord, TaskRecord, TaskStatus } from "../state/ecs-local-state.js";
import type { TaskEndpointRegistry } from "../task-endpoints/task-endpoint-registry.js";
import { CREDENTIALS_PATH, METADATA_PATH } from "../task-endpoints/task-endpoint-routes.js";
import { ContainerStartError, ImagePullError, type ContainerDriver, type ContainerExit, type ContainerSpec, type StartedContainer } from "./container-driver.js";

export interface TaskRuntimeDeps {
  options: CompiledOptions;
  state: EcsLocalState;
  logs: LogStore;
  secrets: SecretStore;
  faults: FaultInjector;
  random: () => number;
  logger: Logger;
  /** Runs the containers: host processes or a container engine. */
  driver: ContainerDriver;
  /** Tokens behind each task's metadata and credentials endpoints. */
  endpoints: TaskEndpointRegistry;
  /** The endpoint tasks should use for AWS calls (known once the server listens). */
  endpointUrl: () => string;
  /** Called after every change of a task's status or containers. */
  onTaskChanged: (task: TaskRecord) => void;
}

/** What the runtime holds for a task that has not reached STOPPED. */
interface LiveTask {
  timers: Set<NodeJS.Timeout>;
  containers: Map<string, StartedContainer>;
  /** Resolves when the task reaches STOPPED. */
  stopped: Promise<void>;
  markStopped: () => void;
}

/** Why a task could not start: the stoppedReason, and per-container reasons. */
class StartFailure extends Error {
  constructor(
    readonly reason: string,
    readonly containerReasons: Record<string, string> = {},
  ) {
    super(reason);
  }
}

const DEFAULT_STOP_TIMEOUT_S = 30;

/**
 * The task lifecycle, on whatever the driver runs containers with (host processes or an engine):
 * PROVISIONING → PENDING (pull, secrets, log setup) → ACTIVATING (spawn) → RUNNING → DEACTIVATING →
 * STOPPING (SIGTERM, then SIGKILL after stopTimeout) → DEPROVISIONING → STOPPED.
 * The task stops when an essential container exits, on StopTask, or when it cannot start.
 */
export class TaskRuntime {
  private readonly live = new Map<string, LiveTask>();
  /** Timers that remove stopped engine containers once their task's retention ends. */
  private readonly removals = new Set<NodeJS.Timeout>();
  private closing = false;

  constructor(private readonly deps: TaskRuntimeDeps) {}

  /** Starts the lifecycle of a task just created in PROVISIONING. */
  launch(task: TaskRecord, td: TaskDefinitionRecord): void {
    let markStopped!: () => void;
    const stopped = new Promise<void>((r) => (markStopped = r));
    const live: LiveTask = { timers: new Set(), containers: new Map(), stopped, markStopped };
    this.live.set(task.arn, live);
    task.history.push({ status: "PROVISIONING", at: task.createdAt });
    const { min, max } = this.deps.options.provisioningDelayMs;
    const delay = (min + (max - min) * this.deps.random()) * this.deps.options.timeFactor;
    // Provisioning (capacity, ENI) takes most of the wait; the image pull the rest.
    this.after(task, delay * 0.6, () => this.pull(task, td, delay * 0.4));
  }

  /** StopTask, the service scheduler, or shutdown. A no-op for a task already stopping. */
  stop(task: TaskRecord, stopCode: StopCode, reason: string): void {
    if (task.desiredStatus === "STOPPED" || task.lastStatus === "STOPPED") return;
    task.desiredStatus = "STOPPED";
    task.stopCode = stopCode;
    task.stoppedReason = reason;
    task.stoppingAt = Date.now();
    const live = this.live.get(task.arn);
    if (!live) return this.finish(task);
    if (task.lastStatus === "RUNNING") {
      this.transition(task, "DEACTIVATING");
      this.terminate(task, live);
      return;
    }
    // Not running yet: cancel what is scheduled; ACTIVATING finishes its spawn, then sees the stop.
    if (task.lastStatus !== "ACTIVATING") {
      this.clearTimers(live);
      this.deprovision(task);
    } else {
      this.touch(task);
    }
  }

  /** Live host process ids per container (admin view). */
  pids(taskArn: string): Record<string, number | undefined> {
    const live = this.live.get(taskArn);
    return live ? Object.fromEntries([...live.containers].map(([name, c]) => [name, c.pid])) : {};
  }

  /** What runs the containers, for DescribeTasks' `attributes`. */
  attributes(): { name: string; value: string }[] {
    return this.deps.driver.attributes;
  }

  liveCount(): number {
    return this.live.size;
  }

  /**
   * Last resort when the process is going away anyway: SIGKILL every task process, synchronously.
   * Engine containers get the kill request too, but it may not leave before the process does;
   * the next start with the same state folder removes them.
   */
  killAllNow(): void {
    for (const live of this.live.values()) for (const c of live.containers.values()) c.signal("SIGKILL");
  }

  /** Stops every task: SIGTERM, SIGKILL after `graceMs`, and marks them STOPPED. */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    const tasks = [...this.live.keys()].map((arn) => this.deps.state.data.tasks[arn]).filter((t): t is TaskRecord => !!t);
    for (const task of tasks) this.stop(task, "UserInitiated", "ecs-local was shut down");
    const all = Promise.all(tasks.map((t) => this.live.get(t.arn)?.stopped));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => (timer = setTimeout(r, graceMs)));
    await Promise.race([all, grace]);
    clearTimeout(timer);
    for (const live of this.live.values()) for (const c of live.containers.values()) c.signal("SIGKILL");
    // After SIGKILL, exits arrive promptly; bound the wait anyway so close() always returns.
    let killTimer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all([...this.live.values()].map((l) => l.stopped)), new Promise<void>((r) => (killTimer = setTimeout(r, 2_000)))]);
    clearTimeout(killTimer);
    for (const [arn, live] of this.live) {
      this.clearTimers(live);
      const task = this.deps.state.data.tasks[arn];
      if (task && task.lastStatus !== "STOPPED") this.finalize(task);
    }
    this.live.clear();
    for (const t of this.removals) clearTimeout(t);
    this.removals.clear();
    await this.deps.driver.close();
  }

  private pull(task: TaskRecord, td: TaskDefinitionRecord, pullDelay: number): void {
    task.pullStartedAt = Date.now();
    this.transition(task, "PENDING");
    let specs: Map<string, ContainerSpec>;
    try {
      const fault = this.deps.faults.launchFault();
      if (fault === "cannot-pull-container") {
        const image = td.definition.containerDefinitions[0]?.image ?? "image";
        throw new StartFailure(
          `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${image}: not found (injected by ecs-local)`,
        );
      }
      if (fault === "task-failed-to-start") throw new StartFailure("ResourceInitializationError: unable to create new container (injected by ecs-local)");
      specs = this.prepare(task, td);
    } catch (err) {
      return this.failToStart(task, err);
    }
    const pullStarted = Date.now();
    const images = [...new Set([...specs.values()].map((s) => s.image))];
    Promise.all(images.map((image) => this.deps.driver.ensureImage(image))).then(
      () => {
        // StopTask during the pull has already moved the task on.
        if (task.lastStatus !== "PENDING" || task.desiredStatus !== "RUNNING") return;
        this.after(task, pullDelay - (Date.now() - pullStarted), () => void this.activate(task, td, specs));
      },
      (err: unknown) => {
        if (task.lastStatus !== "PENDING" || task.desiredStatus !== "RUNNING") return;
        this.failToStart(task, err instanceof ImagePullError ? new StartFailure(err.reason) : err);
      },
    );
  }

  /** What the ECS agent does before starting containers: resolve secrets, set up awslogs, issue role credentials. */
  private prepare(task: TaskRecord, td: TaskDefinitionRecord): Map<string, ContainerSpec> {
    const now = Date.now();
    const specs = new Map<string, ContainerSpec>();
    const taskEnv = this.taskAgentEnv(task, td, now);
    const overrides: Record<string, any>[] = task.overrides.containerOverrides ?? [];
    for (const def of td.definition.containerDefinitions as Record<string, any>[]) {
      const override = overrides.find((o) => o.name === def.name) ?? {};
      const secretEnv: Record<string, string> = {};
      for (const s of (def.secrets ?? []) as { name: string; valueFrom: string }[]) {
        try {
          secretEnv[s.name] = this.deps.secrets.resolveForTask(s.valueFrom, now);
        } catch (err) {
          throw new StartFailure(
            `ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: ${(err as Error).message}`,
          );
        }
      }
      this.setUpAwslogs(def, task, now);
      const metadataUri = `${this.deps.endpointUrl()}${METADATA_PATH}/${this.deps.endpoints.metadataToken({ taskArn: task.arn, containerName: def.name })}`;
      specs.set(def.name, {
        taskArn: task.arn,
        taskId: task.id,
        clusterArn: task.clusterArn,
        name: def.name,
        image: def.image,
        entryPoint: def.entryPoint,
        command: override.command ?? def.command,
        workingDirectory: def.workingDirectory,
        user: def.user,
        environments: [envList(def.environment), envList(override.environment), secretEnv],
        agentEnv: { ...taskEnv, ECS_CONTAINER_METADATA_URI_V4: metadataUri, ECS_CONTAINER_METADATA_URI: metadataUri },
        memoryMiB: positive(override.memory ?? def.memory) ?? positive(task.memory),
        memoryReservationMiB: positive(override.memoryReservation ?? def.memoryReservation),
        cpuShares: positive(override.cpu ?? def.cpu),
        cpuLimitUnits: positive(task.cpu),
        onLine: this.awslogsWriter(def, task),
      });
    }
    return specs;
  }

  private setUpAwslogs(def: Record<string, any>, task: TaskRecord, now: number): void {
    const log = def.logConfiguration as { logDriver?: string; options?: Record<string, string> } | undefined;
    if (log?.logDriver !== "awslogs") return;
    const groupName = log.options?.["awslogs-group"] ?? "";
    let group = this.deps.logs.group(groupName);
    if (!group) {
      if (log.options?.["awslogs-create-group"] !== "true") {
        throw new StartFailure(
          "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1",
        );
      }
      group = this.deps.logs.createGroup(groupName, now);
    }
    const streamName = awslogsStreamName(log.options?.["awslogs-stream-prefix"], def.name, task.id);
    if (!group.streams[streamName]) this.deps.logs.createStream(group, streamName, now);
  }

  /**
   * What the ECS agent puts in every container of the task. With a task role, the AWS SDK's default
   * chain finds its credentials at the credentials endpoint, as on ECS; without one, placeholder
   * keys stand in (ecs-local accepts any signature), where ECS would give none.
   */
  private taskAgentEnv(task: TaskRecord, td: TaskDefinitionRecord, now: number): Record<string, string> {
    const region = this.deps.options.region;
    const env: Record<string, string> = {
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_EXECUTION_ENV: task.launchType === "FARGATE" ? "AWS_ECS_FARGATE" : "AWS_ECS_EC2",
      // Tasks reach this endpoint for AWS calls.
      AWS_ENDPOINT_URL: this.deps.endpointUrl(),
    };
    const roleArn = (task.overrides.taskRoleArn as string | undefined) ?? (td.definition.taskRoleArn as string | undefined);
    if (roleArn) {
      const { token, credentials } = this.deps.endpoints.issueCredentials(task.arn, roleArn, now);
      env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${this.deps.endpointUrl()}${CREDENTIALS_PATH}/${token}`;
      env.AWS_CONTAINER_AUTHORIZATION_TOKEN = credentials.authorization;
    } else {
      env.AWS_ACCESS_KEY_ID = "ecs-local";
      env.AWS_SECRET_ACCESS_KEY = "ecs-local";
    }
    return env;
  }

  private async activate(task: TaskRecord, td: TaskDefinitionRecord, specs: Map<string, ContainerSpec>): Promise<void> {
    const live = this.live.get(task.arn);
    if (!live) return;
    task.pullStoppedAt = Date.now();
    this.transition(task, "ACTIVATING");
    const defs = td.definition.containerDefinitions as Record<string, any>[];
    try {
      for (const def of defs) {
        const container = task.containers.find((c) => c.name === def.name)!;
        let started: StartedContainer;
        try {
          started = await this.deps.driver.start(specs.get(def.name)!);
        } catch (err) {
          if (!(err instanceof ContainerStartError)) throw err;
          throw new StartFailure(err.reason, { [def.name]: err.reason });
        }
        live.containers.set(def.name, started);
        container.runtimeId = started.runtimeId;
        container.pid = started.pid;
        container.lastStatus = "RUNNING";
        void started.exited.then((exit) => this.onContainerExit(task, container, exit));
      }
    } catch (err) {
      for (const c of live.containers.values()) c.signal("SIGKILL");
      return this.failToStart(task, err);
    }
    const now = Date.now();
    task.startedAt = now;
    task.connectivityAt = now;
    for (const a of task.attachments) a.status = "ATTACHED";
    this.transition(task, "RUNNING");
    this.deps.logger.info({ taskArn: task.arn, containers: defs.map((d) => d.name) }, "task running");
    // StopTask may have arrived while containers were starting.
    if (task.desiredStatus === "STOPPED") {
      this.transition(task, "DEACTIVATING");
      this.terminate(task, live);
    }
  }

  private awslogsWriter(def: Record<string, any>, task: TaskRecord): ((line: string) => void) | undefined {
    const log = def.logConfiguration as { logDriver?: string; options?: Record<string, string> } | undefined;
    if (log?.logDriver !== "awslogs") return undefined;
    const group = this.deps.logs.group(log.options?.["awslogs-group"] ?? "");
    const stream = group?.streams[awslogsStreamName(log.options?.["awslogs-stream-prefix"], def.name, task.id)];
    if (!stream) return undefined;
    return (line) => {
      const now = Date.now();
      this.deps.logs.append(stream, [{ timestamp: now, message: line.length > 0 ? line : " " }], now);
    };
  }

  private onContainerExit(task: TaskRecord, container: ContainerRecord, exit: ContainerExit): void {
    const live = this.live.get(task.arn);
    live?.containers.delete(container.name);
    container.lastStatus = "STOPPED";
    container.exitCode = exit.exitCode;
    if (exit.reason) container.reason = exit.reason;
    container.pid = undefined;
    if (!live) return;
    if (task.desiredStatus === "RUNNING" && container.essential) {
      task.desiredStatus = "STOPPED";
      task.stopCode = "EssentialContainerExited";
      task.stoppedReason = "Essential container in task exited";
      task.stoppingAt = Date.now();
      if (task.lastStatus === "RUNNING") {
        this.transition(task, "DEACTIVATING");
        this.terminate(task, live);
      } else {
        // Still ACTIVATING: activate() reports RUNNING first, as AWS does, then stops the task.
        this.touch(task);
      }
      return;
    }
    this.touch(task);
    if (task.desiredStatus === "STOPPED" && task.lastStatus === "STOPPING" && live.containers.size === 0) this.deprovision(task);
  }

  /** STOPPING: SIGTERM to every container, SIGKILL after its stopTimeout. */
  private terminate(task: TaskRecord, live: LiveTask): void {
    this.transition(task, "STOPPING");
    if (live.containers.size === 0) return this.deprovision(task);
    const td = this.deps.state.data.taskDefinitions[task.taskDefinitionArn];
    for (const [name, proc] of live.containers) {
      proc.signal("SIGTERM");
      const def = (td?.definition.containerDefinitions as Record<string, any>[] | undefined)?.find((d) => d.name === name);
      const timeoutS = typeof def?.stopTimeout === "number" ? def.stopTimeout : DEFAULT_STOP_TIMEOUT_S;
      this.after(task, timeoutS * 1000, () => proc.signal("SIGKILL"));
    }
  }

  private failToStart(task: TaskRecord, err: unknown): void {
    const failure = err instanceof StartFailure ? err : new StartFailure(`CannotStartContainerError: ${(err as Error).message}`);
    this.deps.logger.warn({ taskArn: task.arn, reason: failure.reason }, "task failed to start");
    task.desiredStatus = "STOPPED";
    task.stopCode = "TaskFailedToStart";
    task.stoppedReason = failure.reason;
    task.stoppingAt = Date.now();
    for (const c of task.containers) {
      if (c.lastStatus !== "STOPPED") c.lastStatus = "STOPPED";
      c.reason = failure.containerReasons[c.name] ?? c.reason;
    }
    const live = this.live.get(task.arn);
    if (live && live.containers.size > 0) {
      // Containers that did start are killed; deprovisioning follows their exit.
      this.transition(task, "STOPPING");
      for (const c of live.containers.values()) c.signal("SIGKILL");
      return;
    }
    this.deprovision(task);
  }

  private deprovision(task: TaskRecord): void {
    if (task.lastStatus === "DEPROVISIONING" || task.lastStatus === "STOPPED") return;
    task.executionStoppedAt = Date.now();
    for (const c of task.containers) if (c.lastStatus !== "STOPPED") c.lastStatus = "STOPPED";
    for (const a of task.attachments) a.status = "DELETED";
    this.transition(task, "DEPROVISIONING");
    const delay = this.closing ? 0 : this.deps.options.provisioningDelayMs.min * 0.1 * this.deps.options.timeFactor;
    this.after(task, delay, () => this.finalize(task));
  }

  private finish(task: TaskRecord): void {
    task.executionStoppedAt ??= Date.now();
    this.finalize(task);
  }

  private finalize(task: TaskRecord): void {
    if (task.lastStatus === "STOPPED") return;
    task.stoppedAt = Date.now();
    task.stoppingAt ??= task.stoppedAt;
    task.executionStoppedAt ??= task.stoppedAt;
    task.desiredStatus = "STOPPED";
    for (const c of task.containers) c.lastStatus = "STOPPED";
    this.transition(task, "STOPPED");
    const live = this.live.get(task.arn);
    if (live) {
      this.clearTimers(live);
      this.live.delete(task.arn);
      live.markStopped();
    }
    this.deps.endpoints.forgetTask(task.arn);
    this.scheduleRemoval(task);
    this.deps.logger.info({ taskArn: task.arn, stopCode: task.stopCode, stoppedReason: task.stoppedReason }, "task stopped");
  }

  /** Engine containers stay (inspectable, as on an ECS host) while the task is describable, then go. */
  private scheduleRemoval(task: TaskRecord): void {
    if (this.deps.driver.kind === "process") return;
    const ids = task.containers.map((c) => c.runtimeId).filter((id): id is string => !!id);
    if (ids.length === 0) return;
    const timer = setTimeout(() => {
      this.removals.delete(timer);
      for (const id of ids) void this.deps.driver.remove(id);
    }, this.deps.options.stoppedTaskRetentionMs);
    timer.unref();
    this.removals.add(timer);
  }

  private transition(task: TaskRecord, status: TaskStatus): void {
    task.lastStatus = status;
    task.history.push({ status, at: Date.now() });
    this.touch(task);
  }

  private touch(task: TaskRecord): void {
    task.version++;
    this.deps.state.markChanged();
    this.deps.onTaskChanged(task);
  }

  private after(task: TaskRecord, ms: number, fn: () => void): void {
    const live = this.live.get(task.arn);
    if (!live) return;
    const timer = setTimeout(() => {
      live.timers.delete(timer);
      fn();
    }, Math.max(0, ms));
    live.timers.add(timer);
  }

  private clearTimers(live: LiveTask): void {
    for (const t of live.timers) clearTimeout(t);
    live.timers.clear();
  }
}

/** The awslogs driver's stream name: `prefix/container/task-id`, or the task ID alone without a prefix. */
export function awslogsStreamName(prefix: string | undefined, containerName: string, taskId: string): string {
  return prefix ? `${prefix}/${containerName}/${taskId}` : taskId;
}

function envList(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(list)) for (const e of list as { name?: string; value?: string }[]) if (e?.name) out[e.name] = e.value ?? "";
  return out;
}

/** A size from a task definition ("512" or 512) as a positive number, else undefined. */
function positive(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? n : undefined;
}
