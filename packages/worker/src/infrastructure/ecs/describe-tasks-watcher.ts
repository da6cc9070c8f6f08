// One watcher per worker for all its tasks (DESIGN.md lesson 2: per-run DescribeTasks polling was
// throttled at a few hundred runs). Each round describes the tasks that are due, grouped by client
// set and cluster, up to 100 per call, and tops each call up with the group's soonest-due other
// tasks, so a call is never wasted on one task when others will need one soon. Rounds are at
// least `minRoundGapMs` apart; calls also wait for the worker's DescribeTasks budget (10/s by
// default, half AWS's 20/s). A task is first checked after a second, then at doubling intervals up
// to its `task_watch_poll_interval`: 2,000 tasks at the default 5 s cost 4 calls a second. While
// task state change events flow (useEvents), DescribeTasks is the fallback: a new task is first
// described after `eventFallbackMs`, and an event that came before its watch is applied at once.
//
// It also enforces `task_start_timeout_seconds`: a task still PROVISIONING/PENDING/ACTIVATING past
// it is stopped (StopTask with a reason) and reported once STOPPED (or after a bounded wait).
// ECS is eventually consistent: a task just started can be MISSING for a moment, so only a task
// missing several times over `missingAfterMs` is reported missing.

import { DescribeTasksCommand, type Task } from "@aws-sdk/client-ecs";
import type { Logger } from "pino";
import type { AwsClientSet } from "./aws-clients.js";
import { describeAwsError, errorName, isTransientError } from "./aws-errors.js";
import type { WorkerMetrics } from "../../metrics/index.js";

export type WatchOutcome =
  | { kind: "stopped"; task: Task; startTimedOut: boolean }
  /** StopTask was sent after the start timeout, and the task did not reach STOPPED in time. */
  | { kind: "start-timeout"; task: Task }
  | { kind: "missing"; lastSeen?: Task; reason: string };

export interface WatchRequest {
  clients: AwsClientSet;
  /** The cluster as RunTask was told (name or ARN); undefined for the default cluster. */
  cluster: string | undefined;
  taskArn: string;
  pollIntervalMs: number;
  /** 0 disables the start timeout. */
  startTimeoutMs: number;
  /** When the start clock began (ms since epoch): RunTask's return, or the task's createdAt when adopted. */
  startClockMs: number;
  /** Each time the task is described (not STOPPED yet). */
  onUpdate?: (task: Task) => void;
  /** Stops the task after the start timeout (the infrastructure's StopTask with a reason). */
  stopForStartTimeout: (task: Task) => Promise<void>;
}

export interface WatcherOptions {
  logger: Logger;
  metrics?: WorkerMetrics;
  /** Smallest gap between rounds. @default 200 */
  minRoundGapMs?: number;
  /** First check of a new task. @default 1000 */
  firstCheckMs?: number;
  /** How long a task must keep being MISSING before it is reported missing. @default 15000 */
  missingAfterMs?: number;
  /** How long to wait for STOPPED after a start-timeout StopTask. @default 120000 */
  stopWaitMs?: number;
  /** While task state change events arrive (see useEvents), the longest gap between DescribeTasks of a task. @default 60000 */
  eventFallbackMs?: number;
}

interface Entry {
  key: string;
  group: string;
  req: WatchRequest;
  interval: number;
  nextAt: number;
  watchStartedAt: number;
  lastTask?: Task;
  started: boolean;
  stopRequestedAt?: number;
  firstMissingAt?: number;
  errorStreak: number;
  resolve: (o: WatchOutcome) => void;
}

const NOT_STARTED = new Set(["PROVISIONING", "PENDING", "ACTIVATING"]);
const EARLY_EVENTS_MAX = 2_000;
const EARLY_EVENTS_MS = 5 * 60_000;

/** Whether two task ids name the same task (a full ARN, or its short id). */
function sameTask(a: string, b: string): boolean {
  return a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`);
}

export class DescribeTasksWatcher {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private roundRunning = false;
  private lastRoundAt = 0;
  private closed = false;
  private readonly o: Required<Omit<WatcherOptions, "logger" | "metrics">>;
  private eventsHealthy: () => boolean = () => false;
  /**
   * Events for tasks not watched (yet): RunTask's answer and the task's first events race, so an
   * event can come before watch() does. Kept a few minutes, so a watch that starts late still
   * learns what happened instead of waiting for the fallback DescribeTasks.
   */
  private readonly early = new Map<string, { task: Task; at: number }>();
  /** DescribeTasks calls made, task-milliseconds watched (for calls per task-minute), task states taken from events. */
  readonly stats = { calls: 0, taskMs: 0, tasksDescribed: 0, eventsApplied: 0 };

  constructor(private readonly options: WatcherOptions) {
    this.o = {
      minRoundGapMs: options.minRoundGapMs ?? 200,
      firstCheckMs: options.firstCheckMs ?? 1000,
      missingAfterMs: options.missingAfterMs ?? 15_000,
      stopWaitMs: options.stopWaitMs ?? 120_000,
      eventFallbackMs: options.eventFallbackMs ?? 60_000,
    };
  }

  /**
   * Task states also arrive as events (observe); while `healthy` says the event source answers,
   * DescribeTasks becomes the fallback and a task is described at most every `eventFallbackMs`.
   */
  useEvents(healthy: () => boolean): void {
    this.eventsHealthy = healthy;
  }

  /** A task's state from an event (EventBridge through SQS): handled as if DescribeTasks had answered it. */
  observe(task: Task): void {
    if (!task.taskArn) return;
    const now = Date.now();
    let matched = false;
    for (const e of [...this.entries.values()]) {
      if (!sameTask(e.req.taskArn, task.taskArn)) continue;
      matched = true;
      this.applyEvent(e, task, now);
    }
    if (!matched) this.keepEarly(task, now);
    this.schedule();
  }

  private applyEvent(e: Entry, task: Task, now: number): void {
    // Standard queues do not keep order: an older state than the one known changes nothing.
    if (e.lastTask?.version !== undefined && task.version !== undefined && task.version < e.lastTask.version) return;
    this.stats.eventsApplied++;
    if (this.apply(e, task, now)) e.nextAt = this.nextCheck(e, now, this.pollCap(e));
  }

  private keepEarly(task: Task, now: number): void {
    const arn = task.taskArn!;
    const known = this.early.get(arn);
    if (known?.task.version !== undefined && task.version !== undefined && task.version < known.task.version) return;
    this.early.delete(arn);
    this.early.set(arn, { task, at: now });
    // Oldest first (insertion order): drop what is too old or over the cap.
    for (const [key, v] of this.early) {
      if (this.early.size <= EARLY_EVENTS_MAX && now - v.at <= EARLY_EVENTS_MS) break;
      this.early.delete(key);
    }
  }

  private takeEarly(taskArn: string, now: number): Task | undefined {
    for (const [key, v] of this.early) {
      if (!sameTask(taskArn, key)) continue;
      this.early.delete(key);
      return now - v.at <= EARLY_EVENTS_MS ? v.task : undefined;
    }
    return undefined;
  }

  private pollCap(e: Entry): number {
    return this.eventsHealthy() ? Math.max(e.req.pollIntervalMs, this.o.eventFallbackMs) : e.req.pollIntervalMs;
  }

  /** The next look, no later than the start timeout's deadline while the task has not started. */
  private nextCheck(e: Entry, now: number, gap: number): number {
    let next = now + gap;
    if (!e.started && e.req.startTimeoutMs > 0 && e.stopRequestedAt === undefined) next = Math.min(next, Math.max(now + 50, e.req.startClockMs + e.req.startTimeoutMs + 50));
    return next;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Resolves when the task has STOPPED (or is gone); a task already watched shares the first watch. */
  watch(req: WatchRequest): Promise<WatchOutcome> {
    const key = `${req.clients.key}|${req.taskArn}`;
    const known = this.entries.get(key);
    if (known) {
      return new Promise((resolve) => {
        const previous = known.resolve;
        known.resolve = (o) => {
          previous(o);
          resolve(o);
        };
      });
    }
    return new Promise((resolve) => {
      const now = Date.now();
      const interval = Math.min(this.o.firstCheckMs, req.pollIntervalMs);
      const entry: Entry = { key, group: `${req.clients.key}|${req.cluster ?? ""}`, req, interval, nextAt: now + interval, watchStartedAt: now, started: false, errorStreak: 0, resolve };
      this.entries.set(key, entry);
      if (this.eventsHealthy()) {
        // Events will say when it runs and stops: the first DescribeTasks is only the fallback's
        // (the start timeout's deadline still bounds it), which is most of the calls saved.
        entry.interval = this.pollCap(entry);
        entry.nextAt = this.nextCheck(entry, now, entry.interval);
        const early = this.takeEarly(req.taskArn, now);
        if (early) this.applyEvent(entry, early, now);
      }
      this.schedule();
    });
  }

  /** Stops polling. Pending watches stay unresolved: their tasks run on, for a restarted worker to adopt. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.closed || this.roundRunning || this.entries.size === 0) return;
    let next = Infinity;
    for (const e of this.entries.values()) next = Math.min(next, e.nextAt);
    next = Math.max(next, this.lastRoundAt + this.o.minRoundGapMs);
    if (this.timer && this.timerAt <= next) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      void this.round();
    }, Math.max(0, next - Date.now()));
  }

  private async round(): Promise<void> {
    if (this.closed) return;
    this.roundRunning = true;
    this.lastRoundAt = Date.now();
    try {
      const now = Date.now();
      const groups = new Map<string, Entry[]>();
      for (const e of this.entries.values()) {
        const list = groups.get(e.group) ?? [];
        list.push(e);
        groups.set(e.group, list);
      }
      const calls: Promise<void>[] = [];
      for (const list of groups.values()) {
        const due = list.filter((e) => e.nextAt <= now);
        if (due.length === 0) continue;
        // Due first, then the soonest-due others, to fill the last call up to 100.
        const rest = list.filter((e) => e.nextAt > now).sort((a, b) => a.nextAt - b.nextAt);
        const size = Math.ceil(due.length / 100) * 100;
        const batch = [...due, ...rest].slice(0, size);
        for (let i = 0; i < batch.length; i += 100) calls.push(this.describe(batch.slice(i, i + 100)));
      }
      await Promise.all(calls);
    } finally {
      this.roundRunning = false;
      this.schedule();
    }
  }

  private async describe(batch: Entry[]): Promise<void> {
    const { clients, cluster } = batch[0].req;
    let out;
    try {
      this.stats.calls++;
      this.options.metrics?.describeTasksBatchSize.observe(batch.length);
      out = await clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: batch.map((e) => e.req.taskArn) }));
    } catch (err) {
      const now = Date.now();
      for (const e of batch) {
        e.errorStreak++;
        const gone = errorName(err) === "ClusterNotFoundException" || (!isTransientError(err) && e.errorStreak >= 5);
        if (gone) this.finish(e, { kind: "missing", lastSeen: e.lastTask, reason: `DescribeTasks failed: ${describeAwsError(err)}` });
        else e.nextAt = now + Math.min(30_000, 1000 * 2 ** Math.min(e.errorStreak, 5));
      }
      this.options.logger.warn({ tasks: batch.length, error: describeAwsError(err) }, "DescribeTasks failed; will retry");
      return;
    }
    const now = Date.now();
    const byArn = new Map((out.tasks ?? []).map((t) => [t.taskArn, t]));
    for (const e of batch) {
      e.errorStreak = 0;
      const task = byArn.get(e.req.taskArn) ?? [...byArn.values()].find((t) => t.taskArn?.endsWith(`/${e.req.taskArn}`));
      if (!task) {
        e.firstMissingAt ??= now;
        if (now - e.firstMissingAt >= this.o.missingAfterMs) {
          this.finish(e, { kind: "missing", lastSeen: e.lastTask, reason: "ECS no longer knows the task (DescribeTasks answers MISSING): it was removed, or stopped more than about an hour ago." });
        } else e.nextAt = now + Math.min(e.interval, 2_000);
        continue;
      }
      this.stats.tasksDescribed++;
      if (!this.apply(e, task, now)) continue;
      e.interval = Math.min(e.interval * 2, this.pollCap(e));
      e.nextAt = this.nextCheck(e, now, e.interval);
    }
  }

  /** Takes in a task's state; false when that ended the watch. */
  private apply(e: Entry, task: Task, now: number): boolean {
    e.firstMissingAt = undefined;
    e.lastTask = task;
    if (task.lastStatus === "STOPPED") {
      this.finish(e, { kind: "stopped", task, startTimedOut: e.stopRequestedAt !== undefined });
      return false;
    }
    if (!NOT_STARTED.has(task.lastStatus ?? "")) e.started = true;
    try {
      e.req.onUpdate?.(task);
    } catch (err) {
      this.options.logger.warn({ err }, "task update handler failed");
    }
    if (!e.started && e.req.startTimeoutMs > 0 && now - e.req.startClockMs > e.req.startTimeoutMs && e.stopRequestedAt === undefined) {
      e.stopRequestedAt = now;
      e.req.stopForStartTimeout(task).catch((err) => this.options.logger.warn({ taskArn: e.req.taskArn, error: describeAwsError(err) }, "could not stop a task that did not start in time"));
    }
    if (e.stopRequestedAt !== undefined && now - e.stopRequestedAt > this.o.stopWaitMs) {
      this.finish(e, { kind: "start-timeout", task });
      return false;
    }
    return true;
  }

  private finish(e: Entry, outcome: WatchOutcome): void {
    if (!this.entries.delete(e.key)) return;
    this.stats.taskMs += Date.now() - e.watchStartedAt;
    e.resolve(outcome);
  }
}
