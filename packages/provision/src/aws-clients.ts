import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ECSClient } from "@aws-sdk/client-ecs";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { IAMClient } from "@aws-sdk/client-iam";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";

export interface AwsConnection {
  /** Region; undefined lets the SDK resolve it (AWS_REGION, profile). */
  region?: string;
  /** One endpoint for every service (ecs-local). */
  endpoint?: string;
  /** Undefined: the SDK's default credential chain. */
  credentials?: AwsCredentialIdentity;
  maxAttempts?: number;
}

/** The SDK v3 clients provisioning uses; one set per command. */
export interface ProvisionClients {
  ecs: ECSClient;
  ec2: EC2Client;
  logs: CloudWatchLogsClient;
  secrets: SecretsManagerClient;
  iam: IAMClient;
  sts: STSClient;
  /** The task-events queue and the EventBridge rule feeding it. */
  sqs: SQSClient;
  events: EventBridgeClient;
  region(): Promise<string>;
  destroy(): void;
}

export function createProvisionClients(connection: AwsConnection): ProvisionClients {
  const config = {
    ...(connection.region ? { region: connection.region } : {}),
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    ...(connection.credentials ? { credentials: connection.credentials } : {}),
    maxAttempts: connection.maxAttempts ?? 3,
  };
  const ecs = new ECSClient(config);
  const clients = { ecs, ec2: new EC2Client(config), logs: new CloudWatchLogsClient(config), secrets: new SecretsManagerClient(config), iam: new IAMClient(config), sts: new STSClient(config), sqs: new SQSClient(config), events: new EventBridgeClient(config) };
  return {
    ...clients,
    region: async () => (typeof ecs.config.region === "function" ? await ecs.config.region() : String(ecs.config.region)),
    destroy: () => Object.values(clients).forEach((c) => c.destroy()),
  };
}
