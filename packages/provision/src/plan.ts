import type { EcsflowClient } from "@ecsflow/client";
import type { ProvisionClients } from "./aws-clients.js";
import type { ResourceNames } from "./resource-names.js";

/** What provision does (or, with --dry-run, would do) to one resource. */
export type Action = "exists" | "create" | "update" | "check";

export interface PlanEntry {
  resource: string;
  name: string;
  action: Action;
  /** Why an update, or what was found. */
  detail?: string;
}

export interface ProvisionSettings {
  pool: string;
  names: ResourceNames;
  image: string;
  /** The API URL the worker talks to. */
  apiUrl: string;
  /** Create a Secrets Manager secret holding this key (--create-api-key-secret). */
  createSecretWithKey?: string;
  /** Use this existing secret (--api-key-secret-arn). */
  apiKeySecretArn?: string;
  subnets?: string[];
  securityGroups?: string[];
  /** The port the worker's /health listens on inside its task. */
  healthPort: number;
  cpu: string;
  memory: string;
  /** Create the EventBridge rule and SQS queue the worker watches its tasks through. */
  taskEvents: boolean;
  /** Extra plain environment for the worker's container. */
  workerEnvironment: Record<string, string>;
}

/**
 * What the steps learn and pass on, in order. In a dry run, values of resources still to be
 * created are predicted (role ARNs are deterministic; a new secret's ARN is not, so it is a
 * placeholder).
 */
export interface ProvisionContext {
  settings: ProvisionSettings;
  aws: ProvisionClients;
  api: EcsflowClient;
  dryRun: boolean;
  accountId: string;
  region: string;
  vpcId: string;
  subnets: string[];
  securityGroups: string[];
  clusterArn?: string;
  secretArn?: string;
  executionRoleArn: string;
  workerRoleArn: string;
  taskDefinitionArn?: string;
  /** The task-events queue (a placeholder URL in a dry run that would create it). */
  taskEventsQueueUrl?: string;
  taskEventsQueueArn?: string;
}

/** One resource: checks what exists and, unless dry-running, creates or updates it. */
export interface Step {
  resource: string;
  name(ctx: ProvisionContext): string;
  run(ctx: ProvisionContext): Promise<Omit<PlanEntry, "resource" | "name">>;
}
