// ListTasks by startedBy + DescribeTasks: the tasks a pool's workers started, for re-adoption after
// a worker restart. Running and recently stopped tasks are both listed (ECS lists by desired
// status), each with the flow run it belongs to (its `prefect.io/flow-run-id` tag).

import { DescribeTasksCommand, ListTasksCommand, type DesiredStatus, type Task } from "@aws-sdk/client-ecs";
import type { AwsClientSet } from "./aws-clients.js";
import { isTransientError } from "./aws-errors.js";
import { retryWithBackoff, type BackoffPolicy } from "./retry-with-backoff.js";

const POLICY: BackoffPolicy = { maxAttempts: 5, baseDelayMs: 300, maxDelayMs: 5_000, budgetMs: 60_000 };
export const FLOW_RUN_ID_TAG = "prefect.io/flow-run-id";
export const ATTEMPT_TAG = "ecsflow.io/flow-run-attempt";

export interface StartedTask {
  task: Task;
  flowRunId?: string;
  attempt?: number;
}

const send = <T>(call: () => Promise<T>) => retryWithBackoff(POLICY, call, (err) => ({ retry: isTransientError(err) }));

export async function listStartedTasks(clients: AwsClientSet, cluster: string | undefined, startedBy: string): Promise<StartedTask[]> {
  const arns: string[] = [];
  for (const desiredStatus of ["RUNNING", "STOPPED"] as DesiredStatus[]) {
    let nextToken: string | undefined;
    do {
      const out = await send(() => clients.ecs.send(new ListTasksCommand({ cluster, startedBy, desiredStatus, nextToken, maxResults: 100 })));
      arns.push(...(out.taskArns ?? []));
      nextToken = out.nextToken;
    } while (nextToken);
  }
  const found: StartedTask[] = [];
  for (let i = 0; i < arns.length; i += 100) {
    const out = await send(() => clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + 100), include: ["TAGS"] })));
    for (const task of out.tasks ?? []) {
      const tag = (key: string) => task.tags?.find((t) => t.key === key)?.value;
      const attempt = tag(ATTEMPT_TAG);
      found.push({ task, flowRunId: tag(FLOW_RUN_ID_TAG), attempt: attempt === undefined ? undefined : Number(attempt) });
    }
  }
  return found;
}

/** One task, described with its tags; undefined when ECS does not know it. */
export async function describeTask(clients: AwsClientSet, cluster: string | undefined, taskArn: string): Promise<Task | undefined> {
  const out = await send(() => clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn], include: ["TAGS"] })));
  return out.tasks?.[0];
}
