import type { Logger } from "pino";
import type { EcsContext } from "../services/ecs/ecs-context.js";
import { resolvePlacement, launchTasks } from "../services/ecs/run-task.js";
import { addServiceEvent } from "../services/ecs/services.js";
import type { EcsTag, ServiceRecord, TaskRecord } from "../state/ecs-local-state.js";

/** Backoff between launches after repeated failures, before the time factor: 10 s doubling to 15 min. */
const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 15 * 60_000;
/** A task that stops within this long of starting counts as a failure (and one that ran longer resets the count). */
const STABLE_MS = 30_000;
/** The scheduler's periodic pass, before the time factor. */
const TICK_MS = 1_000;
/** At most this many tasks started per service per pass, as ECS starts them in batches. */
const LAUNCH_BATCH = 10;

/**
 * ECS's service scheduler: keeps `desiredCount` tasks of the primary deployment RUNNING, replaces
 * tasks that stop (backing off when they keep failing), rolls old deployments over within
 * maximumPercent/minimumHealthyPercent, drains deleted services, and records service events.
 */
export class ServiceScheduler {
  private readonly dirty = new Set<string>();
  private pending: NodeJS.Immediate | undefined;
  private tick: NodeJS.Timeout | undefined;
  private readonly accountedStops = new Set<string>();
  private stopped = false;

  constructor(
    private readonly ctx: EcsContext,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const ms = Math.max(20, TICK_MS * this.ctx.options.timeFactor);
    this.tick = setInterval(() => this.wake(), ms);
    this.tick.unref();
    this.wake();
  }

  stop(): void {
    this.stopped = true;
    if (this.tick) clearInterval(this.tick);
    if (this.pending) clearImmediate(this.pending);
  }

  /** Reconciles the service (or every service) on the next turn of the event loop. */
  wake(serviceArn?: string): void {
    if (this.stopped) return;
    if (serviceArn) this.dirty.add(serviceArn);
    else for (const arn of Object.keys(this.ctx.state.data.services)) this.dirty.add(arn);
    this.pending ??= setImmediate(() => {
      this.pending = undefined;
      const arns = [...this.dirty];
      this.dirty.clear();
      for (const arn of arns) {
        const service = this.ctx.state.data.services[arn];
        if (!service) continue;
        try {
          this.reconcile(service, Date.now());
        } catch (err) {
          this.logger.error({ err, serviceArn: arn }, "service reconcile failed");
        }
      }
    });
  }

  /** Called on every task change: a service task that stops is accounted once, and its service looked at. */
  onTaskChanged(task: TaskRecord): void {
    if (!task.serviceArn) return;
    const service = this.ctx.state.data.services[task.serviceArn];
    if (service && task.desiredStatus === "STOPPED" && !this.accountedStops.has(task.arn)) {
      this.accountedStops.add(task.arn);
      this.accountStop(service, task);
    }
    if (task.lastStatus === "STOPPED") this.accountedStops.delete(task.arn);
    this.wake(task.serviceArn);
  }

  private accountStop(service: ServiceRecord, task: TaskRecord): void {
    if (task.stopCode === "ServiceSchedulerInitiated" || service.status !== "ACTIVE") return;
    const now = Date.now();
    const ranLongEnough = task.startedAt !== undefined && now - task.startedAt >= STABLE_MS * this.ctx.options.timeFactor;
    const failed = task.stopCode === "TaskFailedToStart" || (task.stopCode === "EssentialContainerExited" && !ranLongEnough);
    service.steadyStateReported = false;
    if (!failed) {
      service.consecutiveFailures = 0;
      return;
    }
    service.consecutiveFailures++;
    const deployment = service.deployments.find((d) => d.id === task.deploymentId);
    if (deployment) deployment.failedTasks++;
    // The first failure is replaced at once; after that ECS waits longer and longer.
    if (service.consecutiveFailures >= 2) {
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (service.consecutiveFailures - 2)) * this.ctx.options.timeFactor;
      service.nextLaunchAt = now + delay;
      addServiceEvent(service, "is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.", now);
    }
    this.ctx.state.markChanged();
  }

  private reconcile(service: ServiceRecord, now: number): void {
    if (service.status === "INACTIVE") return;
    const tasks = Object.values(this.ctx.state.data.tasks).filter((t) => t.serviceArn === service.arn);
    const live = tasks.filter((t) => t.desiredStatus === "RUNNING");
    let changed = false;

    if (service.status === "DRAINING") {
      changed = this.stopTasks(service, live, "Service is being deleted", now) || changed;
      if (tasks.every((t) => t.lastStatus === "STOPPED")) {
        service.status = "INACTIVE";
        service.deployments = [];
        changed = true;
      }
      if (changed) this.ctx.state.markChanged();
      return;
    }

    // A service task that has run long enough ends a run of failures.
    if (service.consecutiveFailures > 0 && live.some((t) => t.lastStatus === "RUNNING" && t.startedAt !== undefined && now - t.startedAt >= STABLE_MS * this.ctx.options.timeFactor)) {
      service.consecutiveFailures = 0;
      service.nextLaunchAt = 0;
      changed = true;
    }

    const primary = service.deployments[0];
    const primaryTasks = live.filter((t) => t.deploymentId === primary.id);
    const oldTasks = live.filter((t) => t.deploymentId !== primary.id);
    const desired = service.desiredCount;
    const maxTotal = Math.max(desired, Math.floor((desired * service.deploymentConfiguration.maximumPercent) / 100));
    const minHealthy = Math.ceil((desired * service.deploymentConfiguration.minimumHealthyPercent) / 100);

    // Scale in: stop the surplus, those not yet running first, then the newest.
    if (primaryTasks.length > desired) {
      const surplus = [...primaryTasks].sort((a, b) => Number(a.lastStatus === "RUNNING") - Number(b.lastStatus === "RUNNING") || b.createdAt - a.createdAt).slice(0, primaryTasks.length - desired);
      changed = this.stopTasks(service, surplus, `Scaling activity initiated by (deployment ${primary.id})`, now) || changed;
    }

    // Scale out / replace, within maximumPercent while old tasks still run, and after any backoff.
    const need = desired - Math.min(primaryTasks.length, desired);
    const room = oldTasks.length > 0 ? Math.max(0, maxTotal - primaryTasks.length - oldTasks.length) : need;
    const toStart = Math.min(need, room, LAUNCH_BATCH);
    if (toStart > 0 && now >= service.nextLaunchAt) {
      changed = this.startTasks(service, primary.id, toStart, now) || changed;
    }

    // Roll over: stop old-deployment tasks as long as enough tasks stay RUNNING.
    if (oldTasks.length > 0) {
      const running = live.filter((t) => t.lastStatus === "RUNNING" && t.desiredStatus === "RUNNING").length;
      const notRunning = oldTasks.filter((t) => t.lastStatus !== "RUNNING");
      let stoppable = Math.max(0, running - minHealthy);
      const runningOld = oldTasks.filter((t) => t.lastStatus === "RUNNING").slice(0, stoppable);
      stoppable -= runningOld.length;
      const victims = [...notRunning, ...runningOld];
      if (victims.length > 0) changed = this.stopTasks(service, victims, `Scaling activity initiated by (deployment ${primary.id})`, now) || changed;
    }

    // Old deployments with no tasks left are done.
    const before = service.deployments.length;
    service.deployments = service.deployments.filter((d, i) => i === 0 || tasks.some((t) => t.deploymentId === d.id && t.lastStatus !== "STOPPED"));
    changed = changed || service.deployments.length !== before;

    const primaryRunning = live.filter((t) => t.deploymentId === primary.id && t.lastStatus === "RUNNING").length;
    const steady = service.deployments.length === 1 && primaryRunning === desired && live.length === desired;
    if (steady && primary.rolloutState === "IN_PROGRESS") {
      primary.rolloutState = "COMPLETED";
      primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
      primary.updatedAt = now;
      changed = true;
    }
    if (steady && !service.steadyStateReported) {
      service.steadyStateReported = true;
      addServiceEvent(service, "has reached a steady state.", now);
      changed = true;
    }
    if (changed) this.ctx.state.markChanged();
  }

  private startTasks(service: ServiceRecord, deploymentId: string, count: number, now: number): boolean {
    const data = this.ctx.state.data;
    const cluster = data.clusters[service.clusterArn];
    const deployment = service.deployments[0];
    const td = data.taskDefinitions[deployment.taskDefinitionArn];
    if (!cluster || cluster.status !== "ACTIVE" || !td) return false;
    let placement;
    try {
      placement = resolvePlacement(cluster, deployment.launchType, deployment.capacityProviderStrategy);
    } catch (err) {
      addServiceEvent(service, `was unable to place a task. Reason: ${(err as Error).message}`, now);
      return true;
    }
    const tags: EcsTag[] = [];
    if (service.propagateTags === "SERVICE") tags.push(...service.tags);
    if (service.propagateTags === "TASK_DEFINITION") tags.push(...td.tags);
    if (service.enableECSManagedTags) tags.push({ key: "aws:ecs:serviceName", value: service.name }, { key: "aws:ecs:clusterName", value: cluster.name });
    const { tasks, failures } = launchTasks(this.ctx, {
      cluster,
      td,
      count,
      placement,
      networkConfiguration: deployment.networkConfiguration,
      group: `service:${service.name}`,
      startedBy: deploymentId,
      tags,
      serviceArn: service.arn,
      deploymentId,
      now,
    });
    service.steadyStateReported = false;
    if (tasks.length > 0) addServiceEvent(service, `has started ${tasks.length} tasks: ${tasks.map((t) => `(task ${t.id})`).join(" ")}.`, now);
    if (failures.length > 0) {
      const reason = failures[0].reason ?? "unknown";
      addServiceEvent(
        service,
        `was unable to place a task because no container instance met all of its requirements. The closest matching container-instance has insufficient ${reason === "RESOURCE:CPU" ? "CPU units" : "memory"} available.`,
        now,
      );
      service.consecutiveFailures++;
      service.nextLaunchAt = now + Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, service.consecutiveFailures - 1)) * this.ctx.options.timeFactor;
    }
    this.logger.info({ serviceArn: service.arn, started: tasks.map((t) => t.id), failures: failures.length }, "service tasks started");
    return true;
  }

  private stopTasks(service: ServiceRecord, tasks: TaskRecord[], reason: string, now: number): boolean {
    const stopping = tasks.filter((t) => t.desiredStatus === "RUNNING");
    if (stopping.length === 0) return false;
    for (const t of stopping) this.ctx.runtime.stop(t, "ServiceSchedulerInitiated", reason);
    addServiceEvent(service, `has stopped ${stopping.length} running tasks: ${stopping.map((t) => `(task ${t.id})`).join(" ")}.`, now);
    service.steadyStateReported = false;
    return true;
  }
}
