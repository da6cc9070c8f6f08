// StopTask: cancellation, and tasks that did not start in time. A task that is already stopped
// stops again without complaint (ECS answers with it); a task ECS does not know is
// InfrastructureNotFoundError, which the worker turns into a final state instead of retrying.

import { StopTaskCommand, type Task } from "@aws-sdk/client-ecs";
import { InfrastructureNotFoundError } from "../../errors.js";
import type { AwsClientSet } from "./aws-clients.js";
import { isTaskNotFound, isTransientError } from "./aws-errors.js";
import { retryWithBackoff } from "./retry-with-backoff.js";

/** ECS's limit on StopTask's reason. */
const MAX_REASON = 255;

export async function stopTask(clients: AwsClientSet, cluster: string | undefined, taskArn: string, reason: string, infrastructurePid: string): Promise<Task | undefined> {
  try {
    const out = await retryWithBackoff(
      { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 8_000, budgetMs: 60_000 },
      () => clients.ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: reason.slice(0, MAX_REASON) })),
      (err) => ({ retry: isTransientError(err) }),
    );
    return out.task;
  } catch (err) {
    if (isTaskNotFound(err)) throw new InfrastructureNotFoundError(`ECS task ${taskArn} was not found in cluster ${cluster ?? "default"}.`, infrastructurePid);
    throw err;
  }
}
