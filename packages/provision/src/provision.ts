import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { EcsflowClient } from "@ecsflow/client";
import { createProvisionClients, type AwsConnection } from "./aws-clients.js";
import type { PlanEntry, ProvisionContext, ProvisionSettings, Step } from "./plan.js";
import { aws, ProvisionError } from "./provision-error.js";
import { resourceNames } from "./resource-names.js";
import { apiKeySecretStep } from "./steps/api-key-secret-step.js";
import { clusterStep } from "./steps/cluster-step.js";
import { logGroupStep } from "./steps/log-group-step.js";
import { networkStep } from "./steps/network-step.js";
import { executionRoleStep, roleArn, workerRoleStep } from "./steps/role-step.js";
import { serviceStep } from "./steps/service-step.js";
import { taskDefinitionStep } from "./steps/task-definition-step.js";
import { taskEventsQueueStep, taskEventsRuleStep } from "./steps/task-events-step.js";
import { workPoolStep } from "./steps/work-pool-step.js";

export interface ProvisionInput {
  pool: string;
  cluster?: string;
  image?: string;
  apiUrl: string;
  /** --create-api-key-secret: the key to store (the CLI's api.key setting). */
  createApiKeySecret?: { apiKey: string | undefined };
  apiKeySecretArn?: string;
  subnets?: string[];
  securityGroups?: string[];
  dryRun?: boolean;
  healthPort?: number;
  cpu?: string;
  memory?: string;
  /** Create the EventBridge rule and SQS queue for event-driven task watching. @default true */
  taskEvents?: boolean;
  /**
   * More environment for the worker's container (e.g. OTEL_* naming a collector). Plain values in
   * the task definition, readable by anyone who may describe it: never a secret.
   */
  workerEnvironment?: Record<string, string>;
  connection: AwsConnection;
  api: EcsflowClient;
  /** Called as each resource is done (or, in a dry run, checked). */
  onEntry?: (entry: PlanEntry) => void;
}

export interface ProvisionResult {
  dryRun: boolean;
  entries: PlanEntry[];
  accountId: string;
  region: string;
}

export const DEFAULT_WORKER_IMAGE = "ecsflow/ecsflow:latest";

/**
 * Does, idempotently, what the ECS guide asks a user to do by hand, one resource after another:
 * each is described first and created or updated only when missing or different. The network is
 * checked before anything is created. A dry run makes only describe calls.
 */
export async function provision(input: ProvisionInput): Promise<ProvisionResult> {
  if (input.createApiKeySecret && input.apiKeySecretArn) throw new ProvisionError("Pass either --create-api-key-secret or --api-key-secret-arn, not both.");
  const settings: ProvisionSettings = {
    pool: input.pool,
    names: resourceNames(input.pool, input.cluster),
    image: input.image ?? DEFAULT_WORKER_IMAGE,
    apiUrl: input.apiUrl,
    createSecretWithKey: input.createApiKeySecret?.apiKey,
    apiKeySecretArn: input.apiKeySecretArn,
    subnets: input.subnets,
    securityGroups: input.securityGroups,
    healthPort: input.healthPort ?? 8080,
    cpu: input.cpu ?? "256",
    memory: input.memory ?? "512",
    taskEvents: input.taskEvents ?? true,
    workerEnvironment: input.workerEnvironment ?? {},
  };
  const clients = createProvisionClients(input.connection);
  try {
    const identity = await aws("sts:GetCallerIdentity", "the AWS account", () => clients.sts.send(new GetCallerIdentityCommand({})));
    const accountId = identity.Account!;
    const region = await clients.region();
    const ctx: ProvisionContext = {
      settings,
      aws: clients,
      api: input.api,
      dryRun: Boolean(input.dryRun),
      accountId,
      region,
      vpcId: "",
      subnets: [],
      securityGroups: [],
      executionRoleArn: "",
      workerRoleArn: "",
    };
    ctx.executionRoleArn = roleArn(ctx, settings.names.executionRole);
    ctx.workerRoleArn = roleArn(ctx, settings.names.workerRole);
    // The queue comes before the worker's role (whose policy names it) and task definition (which names its URL).
    const steps: Step[] = [
      networkStep,
      logGroupStep,
      clusterStep,
      ...(input.createApiKeySecret || input.apiKeySecretArn ? [apiKeySecretStep] : []),
      ...(settings.taskEvents ? [taskEventsQueueStep, taskEventsRuleStep] : []),
      executionRoleStep,
      workerRoleStep,
      workPoolStep,
      taskDefinitionStep,
      serviceStep,
    ];
    const entries: PlanEntry[] = [];
    for (const step of steps) {
      const name = step.name(ctx);
      const outcome = await step.run(ctx);
      const entry: PlanEntry = { resource: step.resource, name, ...outcome };
      entries.push(entry);
      input.onEntry?.(entry);
    }
    return { dryRun: ctx.dryRun, entries, accountId, region };
  } finally {
    clients.destroy();
  }
}
