// DescribeTaskDefinition: a linked ARN's content, or a family's latest ACTIVE revision.

import { DescribeTaskDefinitionCommand, type TaskDefinition, type Tag } from "@aws-sdk/client-ecs";
import type { AwsClientSet } from "./aws-clients.js";
import { errorMessage, errorName, isTransientError } from "./aws-errors.js";
import { retryWithBackoff, type BackoffPolicy } from "./retry-with-backoff.js";

const POLICY: BackoffPolicy = { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 5_000, budgetMs: 30_000 };

export interface DescribedTaskDefinition {
  taskDefinition: TaskDefinition;
  tags: Tag[];
}

/** Describes `ref` (ARN, family:revision, or family → latest ACTIVE); undefined when there is none. */
export async function describeTaskDefinition(clients: AwsClientSet, ref: string): Promise<DescribedTaskDefinition | undefined> {
  try {
    const out = await retryWithBackoff(
      POLICY,
      () => clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: ref, include: ["TAGS"] })),
      (err) => ({ retry: isTransientError(err) }),
    );
    return out.taskDefinition ? { taskDefinition: out.taskDefinition, tags: out.tags ?? [] } : undefined;
  } catch (err) {
    // ECS answers a family or revision that does not exist with this ClientException.
    if (errorName(err) === "ClientException" && /unable to describe task definition/i.test(errorMessage(err))) return undefined;
    throw err;
  }
}
