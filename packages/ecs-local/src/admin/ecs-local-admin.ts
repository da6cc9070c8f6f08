import { EcsLocalConfigError } from "../errors.js";
import type { FaultInjector } from "../faults/fault-injector.js";
import type { LimitsSnapshot, RateLimits } from "../limits/rate-limits.js";
import { AWS_DEFAULT_LIMITS, validateFaultRule, type BucketLimit, type CompiledOptions, type FaultRule, type LimitName } from "../options.js";
import type { TaskRuntime } from "../runtime/task-runtime.js";
import type { EcsLocalState, TaskRecord } from "../state/ecs-local-state.js";
import type { Counters } from "./counters.js";

export interface AdminTaskView {
  taskArn: string;
  lastStatus: string;
  desiredStatus: string;
  stopCode?: string;
  stoppedReason?: string;
  /** Every lastStatus in order, with times (ms since epoch). */
  history: { status: string; at: number }[];
  containers: { name: string; lastStatus: string; exitCode?: number; reason?: string; pid?: number }[];
}

export interface RuntimeSettings {
  provisioningDelayMs: { min: number; max: number };
  timeFactor: number;
  capacity?: { cpu: number; memory: number };
}

/**
 * The knobs and counters behind `/_ecs-local/` and the handle's `admin`: for tests and benchmarks,
 * never part of AWS's API.
 */
export class EcsLocalAdmin {
  constructor(
    private readonly deps: { options: CompiledOptions; state: EcsLocalState; counters: Counters; limits: RateLimits; faults: FaultInjector; runtime: TaskRuntime },
  ) {}

  counters(): ReturnType<Counters["snapshot"]> & { throttled: number; faultsInjected: Record<string, number> } {
    return { ...this.deps.counters.snapshot(), throttled: this.deps.limits.throttled, faultsInjected: { ...this.deps.faults.injected } };
  }

  resetCounters(): void {
    this.deps.counters.reset();
    this.deps.limits.throttled = 0;
  }

  limits(): LimitsSnapshot {
    return this.deps.limits.snapshot();
  }

  setLimits(update: { enabled?: boolean; buckets?: Partial<Record<LimitName, BucketLimit>> }): LimitsSnapshot {
    if (update.enabled !== undefined && typeof update.enabled !== "boolean") throw new EcsLocalConfigError("limits.enabled must be true or false.", "limits");
    for (const [name, l] of Object.entries(update.buckets ?? {})) {
      if (!(name in AWS_DEFAULT_LIMITS)) throw new EcsLocalConfigError(`Unknown limit ${name}; known: ${Object.keys(AWS_DEFAULT_LIMITS).join(", ")}.`, "limits");
      if (!l || !(l.burst >= 1) || !(l.ratePerSecond > 0)) throw new EcsLocalConfigError(`Limit ${name} needs burst ≥ 1 and ratePerSecond > 0.`, "limits");
    }
    this.deps.limits.configure(update);
    return this.limits();
  }

  faults(): (FaultRule & { fired: number })[] {
    return this.deps.faults.list();
  }

  setFaults(rules: FaultRule[]): void {
    if (!Array.isArray(rules)) throw new EcsLocalConfigError("faults must be a list of rules.", "faults");
    for (const r of rules) validateFaultRule(r);
    this.deps.faults.set(rules);
  }

  settings(): RuntimeSettings {
    const o = this.deps.options;
    return { provisioningDelayMs: { ...o.provisioningDelayMs }, timeFactor: o.timeFactor, capacity: o.capacity };
  }

  /** Changes simulated durations and capacity for tasks launched from now on. */
  setSettings(update: Partial<RuntimeSettings>): RuntimeSettings {
    const o = this.deps.options;
    if (update.provisioningDelayMs) {
      const { min, max } = update.provisioningDelayMs;
      if (!(min >= 0) || !(max >= min)) throw new EcsLocalConfigError("provisioningDelayMs needs 0 ≤ min ≤ max.", "provisioningDelayMs");
      o.provisioningDelayMs = { min, max };
    }
    if (update.timeFactor !== undefined) {
      if (!(update.timeFactor >= 0)) throw new EcsLocalConfigError("timeFactor must be ≥ 0.", "timeFactor");
      o.timeFactor = update.timeFactor;
    }
    if (update.capacity !== undefined) {
      if (update.capacity !== null && (!(update.capacity.cpu >= 0) || !(update.capacity.memory >= 0))) throw new EcsLocalConfigError("capacity needs cpu ≥ 0 and memory ≥ 0.", "capacity");
      o.capacity = update.capacity ?? undefined;
    }
    return this.settings();
  }

  /** A task by ID or ARN, with what AWS does not show: its status history and host process IDs. */
  task(ref: string): AdminTaskView | undefined {
    const task = Object.values(this.deps.state.data.tasks).find((t: TaskRecord) => t.arn === ref || t.id === ref);
    if (!task) return undefined;
    const pids = this.deps.runtime.pids(task.arn);
    return {
      taskArn: task.arn,
      lastStatus: task.lastStatus,
      desiredStatus: task.desiredStatus,
      stopCode: task.stopCode,
      stoppedReason: task.stoppedReason,
      history: task.history.map((h) => ({ ...h })),
      containers: task.containers.map((c) => ({ name: c.name, lastStatus: c.lastStatus, exitCode: c.exitCode, reason: c.reason, pid: pids[c.name] })),
    };
  }

  /** How many tasks still have host processes or timers. */
  liveTasks(): number {
    return this.deps.runtime.liveCount();
  }
}
