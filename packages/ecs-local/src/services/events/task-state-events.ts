import type { TaskRecord } from "../../state/ecs-local-state.js";
import type { EcsContext } from "../ecs/ecs-context.js";
import { taskView } from "../ecs/ecs-views.js";
import type { EventBus } from "./event-bus.js";

const TIMESTAMPS = new Set(["connectivityAt", "createdAt", "executionStoppedAt", "pullStartedAt", "pullStoppedAt", "startedAt", "stoppedAt", "stoppingAt"]);

/**
 * ECS's "ECS Task State Change" events: one each time a task's lastStatus or desiredStatus
 * changes, with the task as DescribeTasks shows it (timestamps as ISO strings, as events carry them).
 */
export class TaskStateEvents {
  private readonly lastSent = new Map<string, string>();

  constructor(
    private readonly bus: EventBus,
    private readonly ctx: () => EcsContext,
  ) {}

  onTaskChanged(task: TaskRecord): void {
    const key = `${task.lastStatus}/${task.desiredStatus}`;
    if (this.lastSent.get(task.arn) === key) return;
    this.lastSent.set(task.arn, key);
    const view = taskView(this.ctx(), task, false);
    const detail: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(view)) {
      if (v === undefined) continue;
      detail[k] = TIMESTAMPS.has(k) && typeof v === "number" ? new Date(v * 1000).toISOString() : v;
    }
    detail.updatedAt = new Date().toISOString();
    this.bus.emit("aws.ecs", "ECS Task State Change", [task.arn], detail);
    // A stopped task changes no more; forget it so the map does not grow with every task ever run.
    if (task.lastStatus === "STOPPED") this.lastSent.delete(task.arn);
  }
}
