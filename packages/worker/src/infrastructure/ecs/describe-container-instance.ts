// DescribeContainerInstances: the EC2 instance an EC2-launch-type task ran on, for its cost — the
// instance type (`ecs.instance-type` attribute) and the cpu units and MiB the agent registered.

import { DescribeContainerInstancesCommand, type Resource } from "@aws-sdk/client-ecs";
import type { AwsClientSet } from "./aws-clients.js";
import { isTransientError } from "./aws-errors.js";
import { retryWithBackoff, type BackoffPolicy } from "./retry-with-backoff.js";

const POLICY: BackoffPolicy = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000, budgetMs: 10_000 };

export interface ContainerInstanceFacts {
  instanceType: string | null;
  /** Registered cpu units and memory MiB (what tasks on it can reserve). */
  cpu: number | null;
  memory: number | null;
}

const registered = (resources: Resource[] | undefined, name: string) => {
  const r = resources?.find((x) => x.name === name);
  return r?.integerValue ?? (r?.longValue !== undefined ? Number(r.longValue) : null);
};

/** The instance's facts, or undefined when ECS does not know it (deregistered since). */
export async function describeContainerInstance(clients: AwsClientSet, cluster: string, containerInstanceArn: string): Promise<ContainerInstanceFacts | undefined> {
  const out = await retryWithBackoff(
    POLICY,
    () => clients.ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [containerInstanceArn] })),
    (err) => ({ retry: isTransientError(err) }),
  );
  const instance = out.containerInstances?.[0];
  if (!instance) return undefined;
  return {
    instanceType: instance.attributes?.find((a) => a.name === "ecs.instance-type")?.value ?? null,
    cpu: registered(instance.registeredResources, "CPU"),
    memory: registered(instance.registeredResources, "MEMORY"),
  };
}
