// DeregisterTaskDefinition, only ever for a revision this worker registered itself.

import { DeregisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import type { AwsClientSet } from "./aws-clients.js";
import { isTransientError } from "./aws-errors.js";
import { retryWithBackoff } from "./retry-with-backoff.js";

export async function deregisterTaskDefinition(clients: AwsClientSet, taskDefinitionArn: string): Promise<void> {
  await retryWithBackoff(
    { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 10_000, budgetMs: 60_000 },
    () => clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: taskDefinitionArn })),
    (err) => ({ retry: isTransientError(err) }),
  );
}
