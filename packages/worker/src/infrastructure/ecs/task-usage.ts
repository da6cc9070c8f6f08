import type { Task } from "@aws-sdk/client-ecs";
import type { RunUsage } from "@ecsflow/schemas";
import type { ContainerInstanceFacts } from "./describe-container-instance.js";

const iso = (d: Date | undefined) => (d ? new Date(d).toISOString() : null);
const integer = (text: string | undefined) => (text !== undefined && /^\d+$/.test(text) ? Number(text) : null);

/** An EC2 task may size only its containers: its reservation is then theirs summed. */
function containerSum(task: Task, pick: (c: { cpu?: string; memory?: string; memoryReservation?: string }) => string | undefined): number | null {
  const values = (task.containers ?? []).map((c) => integer(pick(c))).filter((v): v is number => v !== null);
  return values.length ? values.reduce((a, b) => a + b, 0) : null;
}

/**
 * What a stopped task tells about its cost, as DescribeTasks reports it: launch type, capacity
 * provider (FARGATE_SPOT), architecture, Region (from the task's ARN), cpu units and memory MiB,
 * and its timestamps; for EC2, what DescribeContainerInstances said of its instance. The server
 * prices it; the worker only reports.
 */
export function usageOfTask(task: Task, instance?: ContainerInstanceFacts): RunUsage | undefined {
  if (!task.launchType) return undefined;
  const ec2 = task.launchType === "EC2";
  return {
    task_arn: task.taskArn ?? null,
    launch_type: task.launchType,
    capacity_provider: task.capacityProviderName ?? null,
    cpu_architecture: task.attributes?.find((a) => a.name === "ecs.cpu-architecture")?.value ?? null,
    region: task.taskArn?.split(":")[3] || null,
    cpu: integer(task.cpu) ?? (ec2 ? containerSum(task, (c) => c.cpu) : null),
    memory: integer(task.memory) ?? (ec2 ? containerSum(task, (c) => c.memory ?? c.memoryReservation) : null),
    instance_type: instance?.instanceType ?? null,
    instance_cpu: instance?.cpu ?? null,
    instance_memory: instance?.memory ?? null,
    pull_started_at: iso(task.pullStartedAt),
    started_at: iso(task.startedAt),
    stopped_at: iso(task.stoppedAt),
  };
}
