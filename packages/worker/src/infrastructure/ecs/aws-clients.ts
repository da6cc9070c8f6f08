// One set of SDK clients (ECS, EC2, CloudWatch Logs, Secrets Manager, STS) per AWS identity and
// Region the worker's runs use: normally exactly one, built from the worker's options with the
// SDK's standard credential chain (environment, profile, ECS task role) and Region resolution. A
// pool whose template sets `aws_credentials` gets its own set. Every client carries the worker's
// rate budget and the run's trace spans as middleware.

import { createHash } from "node:crypto";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ECSClient } from "@aws-sdk/client-ecs";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { JobAwsCredentials } from "./ecs-job-configuration.js";
import type { RateBudget } from "./rate-budget.js";
import { awsTracingPlugin } from "./aws-tracing-middleware.js";

export interface AwsConnectionOptions {
  /** Region; undefined lets the SDK resolve it (AWS_REGION, profile). */
  region?: string;
  /** Endpoint override for every service (ecs-local, LocalStack). */
  endpoint?: string;
  /** Credentials; undefined uses the SDK's default chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Named profile for the default chain. */
  profile?: string;
  /** Attempts per SDK call (the SDK's own retries); ecsflow retries RunTask and friends itself. @default 2 */
  maxAttempts?: number;
}

export interface AwsClientSet {
  /** Identifies the account/Region/endpoint these clients talk to (no secrets in it). */
  readonly key: string;
  readonly ecs: ECSClient;
  readonly ec2: EC2Client;
  readonly logs: CloudWatchLogsClient;
  readonly secrets: SecretsManagerClient;
  readonly sts: STSClient;
  /** The Region these clients resolved (the SDK's answer), e.g. for awslogs-region. */
  region(): Promise<string>;
}

const digest = (s: string | undefined) => (s ? createHash("sha256").update(s).digest("hex").slice(0, 16) : "");

export class AwsClients {
  private readonly sets = new Map<string, AwsClientSet>();
  private sqsClient: SQSClient | undefined;

  constructor(
    private readonly base: AwsConnectionOptions,
    private readonly budget: RateBudget,
  ) {}

  /** The clients for a run: the worker's own, or those its job's `aws_credentials` ask for. */
  forJob(credentials: JobAwsCredentials = {}): AwsClientSet {
    const region = credentials.region ?? this.base.region;
    const endpoint = credentials.endpoint ?? this.base.endpoint;
    const profile = credentials.profile ?? this.base.profile;
    const staticKeys = credentials.accessKeyId && credentials.secretAccessKey ? credentials : undefined;
    const key = [region ?? "(default region)", endpoint ?? "", profile ?? "", staticKeys ? `${staticKeys.accessKeyId}:${digest(staticKeys.secretAccessKey)}:${digest(staticKeys.sessionToken)}` : "(default credentials)"].join("|");
    const known = this.sets.get(key);
    if (known) return known;
    const config = {
      region,
      endpoint,
      profile,
      credentials: staticKeys
        ? { accessKeyId: staticKeys.accessKeyId!, secretAccessKey: staticKeys.secretAccessKey!, sessionToken: staticKeys.sessionToken }
        : this.base.credentials,
      maxAttempts: this.base.maxAttempts ?? 2,
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000, httpAgent: { keepAlive: true, maxSockets: 64 }, httpsAgent: { keepAlive: true, maxSockets: 64 } },
    };
    const plugin = this.budget.plugin();
    const ecs = new ECSClient(config);
    const ec2 = new EC2Client(config);
    const logs = new CloudWatchLogsClient(config);
    const secrets = new SecretsManagerClient(config);
    const sts = new STSClient(config);
    const tracing = awsTracingPlugin();
    for (const c of [ecs, ec2, logs, secrets, sts]) {
      c.middlewareStack.use(plugin);
      c.middlewareStack.use(tracing);
    }
    const set: AwsClientSet = { key, ecs, ec2, logs, secrets, sts, region: () => ecs.config.region() };
    this.sets.set(key, set);
    return set;
  }

  /** The worker's own SQS client (task state change events), made on first use; not counted against the ECS budgets. */
  sqs(): SQSClient {
    this.sqsClient ??= new SQSClient({
      region: this.base.region,
      endpoint: this.base.endpoint,
      profile: this.base.profile,
      credentials: this.base.credentials,
      maxAttempts: this.base.maxAttempts ?? 2,
      // A long poll holds its request for up to 20 s: the timeout must outlast it.
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000, httpAgent: { keepAlive: true }, httpsAgent: { keepAlive: true } },
    });
    return this.sqsClient;
  }

  destroy(): void {
    this.sqsClient?.destroy();
    this.sqsClient = undefined;
    for (const set of this.sets.values()) for (const c of [set.ecs, set.ec2, set.logs, set.secrets, set.sts]) c.destroy();
    this.sets.clear();
  }
}
