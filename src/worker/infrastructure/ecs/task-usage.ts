import type { Task } from "@aws-sdk/client-ecs";
import type { RunUsage } from "../../../schemas/index.js";

const iso = (d: Date | undefined) => (d ? new Date(d).toISOString() : null);
const integer = (text: string | undefined) => (text !== undefined && /^\d+$/.test(text) ? Number(text) : null);

/**
 * What a stopped task tells about its cost, as DescribeTasks reports it: launch type, capacity
 * provider (FARGATE_SPOT), architecture, Region (from the task's ARN), cpu units and memory MiB,
 * and its timestamps. The server prices it; the worker only reports.
 */
export function usageOfTask(task: Task): RunUsage | undefined {
  if (!task.launchType) return undefined;
  return {
    task_arn: task.taskArn ?? null,
    launch_type: task.launchType,
    capacity_provider: task.capacityProviderName ?? null,
    cpu_architecture: task.attributes?.find((a) => a.name === "ecs.cpu-architecture")?.value ?? null,
    region: task.taskArn?.split(":")[3] || null,
    cpu: integer(task.cpu),
    memory: integer(task.memory),
    // DescribeContainerInstances would tell an EC2 task's instance type; not asked yet (see the report).
    instance_type: null,
    pull_started_at: iso(task.pullStartedAt),
    started_at: iso(task.startedAt),
    stopped_at: iso(task.stoppedAt),
  };
}
