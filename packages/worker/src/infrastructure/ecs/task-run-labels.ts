import type { Task } from "@aws-sdk/client-ecs";

// What ECS chose for a run's task, recorded as the flow run's labels (PATCH /flow_runs/{id}/labels,
// Prefect's own way of attaching facts to a run): the infrastructure id stays Prefect's
// "<cluster>::<task ARN>", and the UI reads these beside it. They come from RunTask's (or
// DescribeTasks') answer, so they say what ECS used, not what the template asked for.

/** The full ARN of the task definition revision the task runs: `…:task-definition/<family>:<revision>`. */
export const TASK_DEFINITION_LABEL = "ecs.task-definition-arn";
/** FARGATE, EC2 or EXTERNAL. */
export const LAUNCH_TYPE_LABEL = "ecs.launch-type";
/** The capacity provider that placed the task (FARGATE, FARGATE_SPOT, an Auto Scaling group's), when a strategy chose one. */
export const CAPACITY_PROVIDER_LABEL = "ecs.capacity-provider";

export function taskRunLabels(task: Task): Record<string, string> {
  const labels: Record<string, string> = {};
  if (task.taskDefinitionArn) labels[TASK_DEFINITION_LABEL] = task.taskDefinitionArn;
  if (task.launchType) labels[LAUNCH_TYPE_LABEL] = task.launchType;
  if (task.capacityProviderName) labels[CAPACITY_PROVIDER_LABEL] = task.capacityProviderName;
  return labels;
}

/** " (task definition <family>:<revision>, FARGATE via FARGATE_SPOT)" for the run's log line, or "" when ECS said neither. */
export function describePlacement(task: Task): string {
  const parts: string[] = [];
  if (task.taskDefinitionArn) parts.push(`task definition ${task.taskDefinitionArn.slice(task.taskDefinitionArn.lastIndexOf("/") + 1)}`);
  if (task.launchType) parts.push(task.capacityProviderName ? `${task.launchType} via capacity provider ${task.capacityProviderName}` : task.launchType);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}
