import { DeleteLogGroupCommand, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  StopTaskCommand,
} from "@aws-sdk/client-ecs";
import { DeleteRoleCommand, DeleteRolePolicyCommand, DetachRolePolicyCommand, GetRoleCommand, ListAttachedRolePoliciesCommand } from "@aws-sdk/client-iam";
import { DeleteRuleCommand, DescribeRuleCommand, ListTargetsByRuleCommand, RemoveTargetsCommand } from "@aws-sdk/client-eventbridge";
import { DeleteSecretCommand, DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { DeleteQueueCommand, GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { ObjectNotFoundError, type EcsflowClient } from "@ecsflow/client";
import { createProvisionClients, type AwsConnection, type ProvisionClients } from "./aws-clients.js";
import { EXECUTION_INLINE_POLICY, WORKER_INLINE_POLICY } from "./policies.js";
import { aws, awsOrMissing, ProvisionError } from "./provision-error.js";
import { isManagedFor, POOL_DESCRIPTION, resourceNames, type ResourceNames } from "./resource-names.js";
import { ruleDescription } from "./steps/task-events-step.js";

export type TeardownAction = "delete" | "absent" | "keep";

export interface TeardownEntry {
  resource: string;
  name: string;
  action: TeardownAction;
  detail?: string;
}

export interface TeardownInput {
  pool: string;
  cluster?: string;
  dryRun?: boolean;
  connection: AwsConnection;
  api: EcsflowClient;
  /** How long to wait for the worker's tasks to stop and its service to go, in polls. @default 600 */
  maxPolls?: number;
  pollMs?: number;
  onEntry?: (entry: TeardownEntry) => void;
}

const NOT_FOUND_ROLE = ["NoSuchEntity", "NoSuchEntityException"];

/**
 * Removes what `provision` created for a pool, newest first: only resources carrying the
 * ecsflow.io/managed and ecsflow.io/pool tags (the log group, untaggable here, by its derived
 * name; the pool by its description). Anything the user brought (a cluster, a secret) is kept.
 */
export async function teardown(input: TeardownInput): Promise<TeardownEntry[]> {
  const clients = createProvisionClients(input.connection);
  const entries: TeardownEntry[] = [];
  const note = (e: TeardownEntry) => {
    entries.push(e);
    input.onEntry?.(e);
  };
  const dry = Boolean(input.dryRun);
  const poll = { max: input.maxPolls ?? 600, ms: input.pollMs ?? 500 };
  try {
    let pool;
    try {
      pool = await input.api.readWorkPool(input.pool);
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw new ProvisionError(`Reading work pool ${input.pool} from the ecsflow API failed: ${(err as Error).message}`, true, { cause: err });
    }
    // The cluster provision wrote into the pool's template, unless the user names one.
    const fromPool = (pool?.base_job_template as { variables?: { properties?: { cluster?: { default?: unknown } } } } | undefined)?.variables?.properties?.cluster?.default;
    const names = resourceNames(input.pool, input.cluster ?? (typeof fromPool === "string" && fromPool !== "" ? fromPool : undefined));

    await removeService(clients, names, input.pool, dry, poll, note);
    await removeTaskDefinitions(clients, names, input.pool, dry, note);
    if (!pool) note({ resource: "ecsflow work pool", name: input.pool, action: "absent" });
    else if (pool.description !== POOL_DESCRIPTION) note({ resource: "ecsflow work pool", name: input.pool, action: "keep", detail: "not created by ecsflow" });
    else {
      if (!dry) await input.api.deleteWorkPool(input.pool);
      note({ resource: "ecsflow work pool", name: input.pool, action: "delete" });
    }
    for (const [resource, role, inline] of [
      ["IAM worker task role", names.workerRole, WORKER_INLINE_POLICY],
      ["IAM task execution role", names.executionRole, EXECUTION_INLINE_POLICY],
    ] as const) {
      note(await removeRole(clients, resource, role, inline, input.pool, dry));
    }
    note(await removeTaskEventsRule(clients, names, input.pool, dry));
    note(await removeTaskEventsQueue(clients, names, dry));
    note(await removeSecret(clients, names, input.pool, dry));
    note(await removeLogGroup(clients, names, dry));
    note(await removeCluster(clients, names, input.pool, dry));
    return entries;
  } finally {
    clients.destroy();
  }
}

async function waitUntil(what: string, poll: { max: number; ms: number }, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < poll.max; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, poll.ms));
  }
  throw new ProvisionError(`Gave up waiting for ${what}; run teardown again once it is done.`);
}

async function removeService(clients: ProvisionClients, names: ResourceNames, pool: string, dry: boolean, poll: { max: number; ms: number }, note: (e: TeardownEntry) => void): Promise<void> {
  const { cluster, service, family } = names;
  const what = `service ${service} in cluster ${cluster}`;
  const out = await awsOrMissing("ecs:DescribeServices", what, ["ClusterNotFoundException"], () => clients.ecs.send(new DescribeServicesCommand({ cluster, services: [service], include: ["TAGS"] })));
  const found = out?.services?.find((s) => s.status === "ACTIVE" || s.status === "DRAINING");
  if (!found) return note({ resource: "ECS service (worker)", name: service, action: "absent" });
  if (!isManagedFor(found.tags, pool)) return note({ resource: "ECS service (worker)", name: service, action: "keep", detail: "not created by ecsflow" });
  if (!dry) {
    if (found.status === "ACTIVE") await aws("ecs:DeleteService", what, () => clients.ecs.send(new DeleteServiceCommand({ cluster, service, force: true })));
    // The cluster can only go once the worker's tasks have stopped and the service is gone.
    await waitUntil(`the worker's tasks in ${cluster} to stop`, poll, async () => {
      const tasks = await aws("ecs:ListTasks", `tasks of ${family}`, () => clients.ecs.send(new ListTasksCommand({ cluster, family })));
      for (const task of tasks.taskArns ?? []) await aws("ecs:StopTask", `task ${task}`, () => clients.ecs.send(new StopTaskCommand({ cluster, task, reason: "ecsflow ecs teardown" })));
      return (tasks.taskArns ?? []).length === 0;
    });
    await waitUntil(`service ${service} to be deleted`, poll, async () => {
      const s = await aws("ecs:DescribeServices", what, () => clients.ecs.send(new DescribeServicesCommand({ cluster, services: [service] })));
      return !s.services?.some((x) => x.status !== "INACTIVE");
    });
  }
  note({ resource: "ECS service (worker)", name: service, action: "delete" });
}

async function removeTaskDefinitions(clients: ProvisionClients, names: ResourceNames, pool: string, dry: boolean, note: (e: TeardownEntry) => void): Promise<void> {
  const { family } = names;
  const ofFamily = (arn: string) => arn.includes(`:task-definition/${family}:`);
  const list = async (status: "ACTIVE" | "INACTIVE") => {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await aws("ecs:ListTaskDefinitions", `task definitions ${family}`, () => clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status, nextToken })));
      arns.push(...(out.taskDefinitionArns ?? []).filter(ofFamily));
      nextToken = out.nextToken;
    } while (nextToken);
    return arns;
  };
  const active = await list("ACTIVE");
  const ours: string[] = [];
  for (const arn of active) {
    const d = await aws("ecs:DescribeTaskDefinition", `task definition ${arn}`, () => clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ["TAGS"] })));
    if (isManagedFor(d.tags, pool)) ours.push(arn);
  }
  if (active.length === 0) return note({ resource: "ECS task definition (worker)", name: family, action: "absent" });
  if (ours.length === 0) return note({ resource: "ECS task definition (worker)", name: family, action: "keep", detail: "not created by ecsflow" });
  if (!dry) {
    for (const arn of ours) await aws("ecs:DeregisterTaskDefinition", `task definition ${arn}`, () => clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn })));
    // Deregistered revisions linger as INACTIVE; delete the ones provision made so nothing is left.
    for (let i = 0; i < ours.length; i += 10) {
      const batch = ours.slice(i, i + 10);
      await aws("ecs:DeleteTaskDefinitions", `task definitions ${family}`, () => clients.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: batch })));
    }
  }
  note({ resource: "ECS task definition (worker)", name: family, action: "delete", detail: `${ours.length} revision(s)` });
}

async function removeRole(clients: ProvisionClients, resource: string, name: string, inlinePolicy: string, pool: string, dry: boolean): Promise<TeardownEntry> {
  const what = `role ${name}`;
  const role = await awsOrMissing("iam:GetRole", what, NOT_FOUND_ROLE, () => clients.iam.send(new GetRoleCommand({ RoleName: name })));
  if (!role?.Role) return { resource, name, action: "absent" };
  if (!isManagedFor(role.Role.Tags, pool)) return { resource, name, action: "keep", detail: "not created by ecsflow" };
  if (!dry) {
    const attached = await aws("iam:ListAttachedRolePolicies", what, () => clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name })));
    for (const p of attached.AttachedPolicies ?? []) await aws("iam:DetachRolePolicy", what, () => clients.iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: p.PolicyArn })));
    await awsOrMissing("iam:DeleteRolePolicy", what, NOT_FOUND_ROLE, () => clients.iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: inlinePolicy })));
    await aws("iam:DeleteRole", what, () => clients.iam.send(new DeleteRoleCommand({ RoleName: name })));
  }
  return { resource, name, action: "delete" };
}

/** The rule goes only when it carries provision's description for this pool; its targets first. */
async function removeTaskEventsRule(clients: ProvisionClients, names: ResourceNames, pool: string, dry: boolean): Promise<TeardownEntry> {
  const resource = "EventBridge rule (task events)";
  const name = names.taskEventsRule;
  const what = `rule ${name}`;
  const found = await awsOrMissing("events:DescribeRule", what, ["ResourceNotFoundException"], () => clients.events.send(new DescribeRuleCommand({ Name: name })));
  if (!found) return { resource, name, action: "absent" };
  if (found.Description !== ruleDescription(pool)) return { resource, name, action: "keep", detail: "not created by ecsflow" };
  if (!dry) {
    const targets = await aws("events:ListTargetsByRule", what, () => clients.events.send(new ListTargetsByRuleCommand({ Rule: name })));
    const ids = (targets.Targets ?? []).map((t) => t.Id!).filter(Boolean);
    if (ids.length) await aws("events:RemoveTargets", what, () => clients.events.send(new RemoveTargetsCommand({ Rule: name, Ids: ids })));
    await aws("events:DeleteRule", what, () => clients.events.send(new DeleteRuleCommand({ Name: name })));
  }
  return { resource, name, action: "delete" };
}

/** By its derived name, as the log group: the name says it is the pool's task-events queue. */
async function removeTaskEventsQueue(clients: ProvisionClients, names: ResourceNames, dry: boolean): Promise<TeardownEntry> {
  const resource = "SQS queue (task events)";
  const name = names.taskEventsQueue;
  const found = await awsOrMissing("sqs:GetQueueUrl", `queue ${name}`, ["QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"], () => clients.sqs.send(new GetQueueUrlCommand({ QueueName: name })));
  if (!found?.QueueUrl) return { resource, name, action: "absent" };
  if (!dry) await aws("sqs:DeleteQueue", `queue ${name}`, () => clients.sqs.send(new DeleteQueueCommand({ QueueUrl: found.QueueUrl })));
  return { resource, name, action: "delete" };
}

async function removeSecret(clients: ProvisionClients, names: ResourceNames, pool: string, dry: boolean): Promise<TeardownEntry> {
  const resource = "Secrets Manager secret";
  const name = names.secret;
  const found = await awsOrMissing("secretsmanager:DescribeSecret", `secret ${name}`, ["ResourceNotFoundException"], () => clients.secrets.send(new DescribeSecretCommand({ SecretId: name })));
  if (!found) return { resource, name, action: "absent" };
  if (!isManagedFor(found.Tags, pool)) return { resource, name, action: "keep", detail: "not created by ecsflow" };
  // No recovery window: a rerun of provision must be able to create it again at once.
  if (!dry) await aws("secretsmanager:DeleteSecret", `secret ${name}`, () => clients.secrets.send(new DeleteSecretCommand({ SecretId: found.ARN, ForceDeleteWithoutRecovery: true })));
  return { resource, name, action: "delete" };
}

async function removeLogGroup(clients: ProvisionClients, names: ResourceNames, dry: boolean): Promise<TeardownEntry> {
  const resource = "CloudWatch log group";
  const name = names.logGroup;
  const out = await aws("logs:DescribeLogGroups", `log group ${name}`, () => clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name })));
  if (!out.logGroups?.some((g) => g.logGroupName === name)) return { resource, name, action: "absent" };
  if (!dry) await aws("logs:DeleteLogGroup", `log group ${name}`, () => clients.logs.send(new DeleteLogGroupCommand({ logGroupName: name })));
  return { resource, name, action: "delete" };
}

async function removeCluster(clients: ProvisionClients, names: ResourceNames, pool: string, dry: boolean): Promise<TeardownEntry> {
  const resource = "ECS cluster";
  const name = names.cluster;
  const out = await aws("ecs:DescribeClusters", `cluster ${name}`, () => clients.ecs.send(new DescribeClustersCommand({ clusters: [name], include: ["TAGS"] })));
  const found = out.clusters?.find((c) => c.status === "ACTIVE");
  if (!found) return { resource, name, action: "absent" };
  if (!isManagedFor(found.tags, pool)) return { resource, name, action: "keep", detail: "not created by ecsflow" };
  if ((found.activeServicesCount ?? 0) > 0 || (found.runningTasksCount ?? 0) + (found.pendingTasksCount ?? 0) > 0) {
    return { resource, name, action: "keep", detail: "still has services or tasks that are not the worker's" };
  }
  if (!dry) await aws("ecs:DeleteCluster", `cluster ${name}`, () => clients.ecs.send(new DeleteClusterCommand({ cluster: name })));
  return { resource, name, action: "delete" };
}
