import { DescribeClustersCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient, ListTaskDefinitionsCommand } from "@aws-sdk/client-ecs";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { GetRoleCommand, GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand } from "@aws-sdk/client-iam";
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, RemoveTargetsCommand } from "@aws-sdk/client-eventbridge";
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EcsflowClient } from "../../packages/client/src/index.js";
import { provision, ProvisionError, resourceNames, teardown, type ProvisionInput } from "../../packages/provision/src/index.js";
import { eventually, startFixture, type Fixture } from "../ecs-local/ecs-local-fixture.js";
import { startTestServer, type TestServer } from "../support/test-server.js";

// Provisioning against ecs-local over HTTP and a real server: what AWS was asked is read back from
// ecs-local's per-operation counters, what exists from its APIs.

const MUTATING = /:(Create|Put|Set|Attach|Detach|Register|Deregister|Update|Delete|Remove|Tag|Untag|Run|Stop)/;
const POOL = "prov-pool";
const names = resourceNames(POOL);

let f: Fixture;
let server: TestServer;
let api: EcsflowClient;

beforeAll(async () => {
  // The worker's container command `ecsflow worker start …` becomes a cheap stand-in that stays up.
  f = await startFixture({ commandAliases: { ecsflow: ["sh", "-c", "sleep 600", "worker"] } });
  server = await startTestServer("sqlite");
  api = new EcsflowClient({ apiUrl: server.apiUrl });
});

afterAll(async () => {
  await f?.handle.close();
  await server?.close();
});

const input = (over: Partial<ProvisionInput> = {}): ProvisionInput => ({
  pool: POOL,
  apiUrl: "http://api.example.test/api",
  image: "busybox",
  createApiKeySecret: { apiKey: "pnu_test_key" },
  connection: { endpoint: f.config.endpoint, region: f.config.region, credentials: f.config.credentials, maxAttempts: 1 },
  api,
  ...over,
});

async function calls(): Promise<Record<string, number>> {
  return f.handle.admin.counters().calls;
}
const mutating = (c: Record<string, number>) => Object.keys(c).filter((k) => MUTATING.test(k));

describe("ecsflow ecs provision / teardown against ecs-local", () => {
  it("a dry run plans every resource as to be created and changes nothing", async () => {
    f.handle.admin.resetCounters();
    const plan = await provision(input({ dryRun: true }));
    expect(plan.dryRun).toBe(true);
    expect(plan.entries.map((e) => [e.resource, e.name, e.action])).toEqual([
      ["network", "default VPC", "check"],
      ["CloudWatch log group", names.logGroup, "create"],
      ["ECS cluster", names.cluster, "create"],
      ["Secrets Manager secret", names.secret, "create"],
      ["SQS queue (task events)", names.taskEventsQueue, "create"],
      ["EventBridge rule (task events)", names.taskEventsRule, "create"],
      ["IAM task execution role", names.executionRole, "create"],
      ["IAM worker task role", names.workerRole, "create"],
      ["ecsflow work pool", POOL, "create"],
      ["ECS task definition (worker)", names.family, "create"],
      ["ECS service (worker)", names.service, "create"],
    ]);
    const c = await calls();
    expect(mutating(c)).toEqual([]);
    expect(Object.keys(c).length).toBeGreaterThan(5);
    expect((await server.request("GET", `/work_pools/${POOL}`)).status).toBe(404);
  });

  it("creates everything, and the service starts the worker", async () => {
    f.handle.admin.resetCounters();
    const result = await provision(input());
    expect(result.entries.filter((e) => e.resource !== "network").map((e) => e.action)).toEqual(Array(10).fill("create"));

    const cfg = f.config;
    const ecs = new ECSClient(cfg);
    const iam = new IAMClient(cfg);
    const sm = new SecretsManagerClient(cfg);
    const sqs = new SQSClient(cfg);
    const events = new EventBridgeClient(cfg);
    try {
      const cluster = (await ecs.send(new DescribeClustersCommand({ clusters: [names.cluster], include: ["TAGS"] }))).clusters![0];
      expect(cluster.status).toBe("ACTIVE");
      expect(cluster.tags).toEqual(expect.arrayContaining([{ key: "ecsflow.io/managed", value: "true" }, { key: "ecsflow.io/pool", value: POOL }]));

      const exec = (await iam.send(new GetRoleCommand({ RoleName: names.executionRole }))).Role!;
      expect(JSON.parse(decodeURIComponent(exec.AssumeRolePolicyDocument!)).Statement[0].Principal.Service).toBe("ecs-tasks.amazonaws.com");
      expect((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: names.executionRole }))).AttachedPolicies!.map((p) => p.PolicyArn)).toEqual(["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]);
      const secret = await sm.send(new DescribeSecretCommand({ SecretId: names.secret }));
      expect((await sm.send(new GetSecretValueCommand({ SecretId: names.secret }))).SecretString).toBe("pnu_test_key");
      const execPolicy = JSON.parse(decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: names.executionRole, PolicyName: "ecsflow-execution" }))).PolicyDocument!));
      expect(execPolicy.Statement).toContainEqual({ Sid: "ReadApiKey", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secret.ARN });
      const workerPolicy = JSON.parse(decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: names.workerRole, PolicyName: "ecsflow-worker" }))).PolicyDocument!));
      const actions = workerPolicy.Statement.flatMap((s: { Action: string[] }) => s.Action);
      expect(actions).toEqual(expect.arrayContaining(["ecs:RunTask", "ecs:StopTask", "ecs:DescribeTasks", "ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:TagResource", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "logs:GetLogEvents", "iam:PassRole"]));
      expect(workerPolicy.Statement.find((s: { Sid: string }) => s.Sid === "PassRunRoles").Resource).toEqual([exec.Arn, `arn:aws:iam::${result.accountId}:role/${names.workerRole}`]);

      // The task-events queue: EventBridge may send to it for this rule only; the worker may read it.
      const queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: names.taskEventsQueue }))).QueueUrl!;
      const queueAttrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn", "Policy"] }))).Attributes!;
      const rule = await events.send(new DescribeRuleCommand({ Name: names.taskEventsRule }));
      const [statement] = JSON.parse(queueAttrs.Policy!).Statement;
      expect(statement).toMatchObject({ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sqs:SendMessage", Resource: queueAttrs.QueueArn, Condition: { ArnEquals: { "aws:SourceArn": rule.Arn } } });
      expect(rule.State).toBe("ENABLED");
      expect(JSON.parse(rule.EventPattern!)).toEqual({ source: ["aws.ecs"], "detail-type": ["ECS Task State Change"], detail: { clusterArn: [cluster.clusterArn] } });
      expect((await events.send(new ListTargetsByRuleCommand({ Rule: names.taskEventsRule }))).Targets!.map((t) => t.Arn)).toEqual([queueAttrs.QueueArn]);
      expect(workerPolicy.Statement.find((s: { Sid: string }) => s.Sid === "ReadTaskEvents")).toEqual({
        Sid: "ReadTaskEvents",
        Effect: "Allow",
        Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        Resource: queueAttrs.QueueArn,
      });

      const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: names.family }))).taskDefinition!;
      const c = td.containerDefinitions![0];
      expect(c.command).toEqual(["ecsflow", "worker", "start", "--pool", POOL, "--type", "ecs", "--with-healthcheck", "--healthcheck-port", "8080"]);
      expect(c.secrets).toEqual([{ name: "ECSFLOW_API_KEY", valueFrom: secret.ARN }]);
      expect(c.environment).toEqual([
        { name: "PREFECT_API_URL", value: "http://api.example.test/api" },
        // Flow runs default to the worker's image.
        { name: "ECSFLOW_ECS_DEFAULT_IMAGE", value: c.image },
        // The worker watches its tasks by events from the queue provision made.
        { name: "ECSFLOW_ECS_TASK_EVENTS_QUEUE_URL", value: queueUrl },
      ]);
      expect(c.healthCheck!.command!.join(" ")).toMatch(/127\.0\.0\.1:8080\/health/);
      expect(JSON.stringify(td)).not.toContain("pnu_test_key");
      expect([td.cpu, td.memory, td.executionRoleArn]).toEqual(["256", "512", exec.Arn]);

      const pool = (await server.request("GET", `/work_pools/${POOL}`)).body;
      expect(pool.type).toBe("ecs");
      const props = pool.base_job_template.variables.properties;
      expect(props.cluster.default).toBe(names.cluster);
      expect(props.vpc_id.default).toBe("vpc-0e5c10ca1de5a0001");
      expect(props.execution_role_arn.default).toBe(exec.Arn);
      expect(props.network_configuration.default.subnets).toHaveLength(3);
      // Flow runs read the key from the same secret; the worker never stamps it into their environment.
      expect(props.api_key_secret_arn.default).toBe(secret.ARN);

      await eventually(async () => {
        const s = (await ecs.send(new DescribeServicesCommand({ cluster: names.cluster, services: [names.service] }))).services![0];
        return s.desiredCount === 1 && s.runningCount === 1 ? s : undefined;
      }, "the worker service running one task");
      // The worker's own task changing state reached the queue through the rule.
      const received = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))).Messages ?? [];
      const changes = received.map((m) => JSON.parse(m.Body!));
      expect(changes.length).toBeGreaterThan(0);
      expect(changes.every((e) => e["detail-type"] === "ECS Task State Change" && e.detail.clusterArn === cluster.clusterArn)).toBe(true);
    } finally {
      for (const c of [ecs, iam, sm, sqs, events]) c.destroy();
    }
  });

  it("a second run (and a dry run) finds everything in place: zero create or update calls", async () => {
    f.handle.admin.resetCounters();
    const again = await provision(input());
    expect(again.entries.filter((e) => e.resource !== "network").map((e) => [e.name, e.action])).toEqual(again.entries.filter((e) => e.resource !== "network").map((e) => [e.name, "exists"]));
    expect(mutating(await calls())).toEqual([]);
    const dry = await provision(input({ dryRun: true }));
    expect(dry.entries.every((e) => e.action === "exists" || e.action === "check")).toBe(true);
  });

  it("a new key (a rotation) becomes the secret's current value, under the same ARN; nothing else changes", async () => {
    const sm = new SecretsManagerClient(f.config);
    try {
      const arn = (await sm.send(new DescribeSecretCommand({ SecretId: names.secret }))).ARN;
      f.handle.admin.resetCounters();
      const rotated = await provision(input({ createApiKeySecret: { apiKey: "pnu_rotated_key" } }));
      expect(rotated.entries.filter((e) => e.action === "update").map((e) => [e.resource, e.detail])).toEqual([["Secrets Manager secret", "new API key"]]);
      expect(mutating(await calls())).toEqual(["secretsmanager:PutSecretValue"]);
      expect((await sm.send(new GetSecretValueCommand({ SecretId: names.secret }))).SecretString).toBe("pnu_rotated_key");
      expect((await sm.send(new DescribeSecretCommand({ SecretId: names.secret }))).ARN).toBe(arn);
      expect(JSON.stringify(rotated)).not.toContain("pnu_rotated_key");
      // Back to the key the other tests use.
      await provision(input());
      expect((await sm.send(new GetSecretValueCommand({ SecretId: names.secret }))).SecretString).toBe("pnu_test_key");
    } finally {
      sm.destroy();
    }
  });

  it("a changed setting updates just what it touches", async () => {
    f.handle.admin.resetCounters();
    const changed = await provision(input({ apiUrl: "http://other.example.test/api" }));
    const acted = changed.entries.filter((e) => e.action !== "exists" && e.action !== "check").map((e) => [e.resource, e.action]);
    expect(acted).toEqual([
      ["ECS task definition (worker)", "update"],
      ["ECS service (worker)", "update"],
    ]);
    expect(mutating(await calls()).sort()).toEqual(["ecs:RegisterTaskDefinition", "ecs:UpdateService"]);
  });

  it("puts extra worker environment (ecsflow up's OTEL_* settings) in the worker's task definition, sorted, and only there", async () => {
    const otel = { OTEL_TRACES_SAMPLER: "traceidratio", OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" };
    const changed = await provision(input({ apiUrl: "http://other.example.test/api", workerEnvironment: otel }));
    expect(changed.entries.filter((e) => e.action === "update").map((e) => e.resource)).toEqual(["ECS task definition (worker)", "ECS service (worker)"]);
    const ecs = new ECSClient(f.config);
    const c = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: names.family })).then((r) => r.taskDefinition!.containerDefinitions![0]).finally(() => ecs.destroy());
    expect(c.environment!.slice(-2)).toEqual([
      { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: "http://collector:4318" },
      { name: "OTEL_TRACES_SAMPLER", value: "traceidratio" },
    ]);
    // Without it again, as the next case expects the task definition.
    await provision(input({ apiUrl: "http://other.example.test/api" }));
  });

  it("puts back a task-events queue policy and rule target changed by hand, and touches nothing else", async () => {
    const sqs = new SQSClient(f.config);
    const events = new EventBridgeClient(f.config);
    try {
      const queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: names.taskEventsQueue }))).QueueUrl!;
      const before = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["Policy"] }))).Attributes!.Policy!;
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) } }));
      const targets = (await events.send(new ListTargetsByRuleCommand({ Rule: names.taskEventsRule }))).Targets!;
      await events.send(new RemoveTargetsCommand({ Rule: names.taskEventsRule, Ids: targets.map((t) => t.Id!) }));
      f.handle.admin.resetCounters();
      const fixed = await provision(input({ apiUrl: "http://other.example.test/api" }));
      const acted = fixed.entries.filter((e) => e.action !== "exists" && e.action !== "check").map((e) => [e.resource, e.action, e.detail]);
      expect(acted).toEqual([
        ["SQS queue (task events)", "update", "Policy"],
        ["EventBridge rule (task events)", "update", expect.stringMatching(/^target arn:aws:sqs:/)],
      ]);
      expect(mutating(await calls()).sort()).toEqual(["events:PutTargets", "sqs:SetQueueAttributes"]);
      expect(JSON.parse((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["Policy"] }))).Attributes!.Policy!)).toEqual(JSON.parse(before));
      expect((await events.send(new ListTargetsByRuleCommand({ Rule: names.taskEventsRule }))).Targets).toHaveLength(1);
    } finally {
      sqs.destroy();
      events.destroy();
    }
  });

  it("teardown removes everything provision made, and a second teardown finds nothing", async () => {
    const removed = await teardown({ pool: POOL, connection: input().connection, api, pollMs: 50 });
    expect(removed.map((e) => [e.resource, e.action])).toEqual([
      ["ECS service (worker)", "delete"],
      ["ECS task definition (worker)", "delete"],
      ["ecsflow work pool", "delete"],
      ["IAM worker task role", "delete"],
      ["IAM task execution role", "delete"],
      ["EventBridge rule (task events)", "delete"],
      ["SQS queue (task events)", "delete"],
      ["Secrets Manager secret", "delete"],
      ["CloudWatch log group", "delete"],
      ["ECS cluster", "delete"],
    ]);
    const cfg = f.config;
    const ecs = new ECSClient(cfg);
    const iam = new IAMClient(cfg);
    const sm = new SecretsManagerClient(cfg);
    const logs = new CloudWatchLogsClient(cfg);
    const sqs = new SQSClient(cfg);
    const events = new EventBridgeClient(cfg);
    try {
      expect((await ecs.send(new DescribeClustersCommand({ clusters: [names.cluster] }))).clusters!.filter((c) => c.status === "ACTIVE")).toEqual([]);
      for (const status of ["ACTIVE", "INACTIVE"] as const) expect((await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: names.family, status }))).taskDefinitionArns).toEqual([]);
      for (const role of [names.executionRole, names.workerRole]) await expect(iam.send(new GetRoleCommand({ RoleName: role }))).rejects.toMatchObject({ name: "NoSuchEntityException" });
      await expect(sm.send(new DescribeSecretCommand({ SecretId: names.secret }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
      expect((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: names.logGroup }))).logGroups).toEqual([]);
      expect((await server.request("GET", `/work_pools/${POOL}`)).status).toBe(404);
      expect(f.handle.admin.liveTasks()).toBe(0);
      await expect(sqs.send(new GetQueueUrlCommand({ QueueName: names.taskEventsQueue }))).rejects.toMatchObject({ name: "QueueDoesNotExist" });
      await expect(events.send(new DescribeRuleCommand({ Name: names.taskEventsRule }))).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    } finally {
      for (const c of [ecs, iam, sm, logs, sqs, events]) c.destroy();
    }
    const again = await teardown({ pool: POOL, connection: input().connection, api, pollMs: 50 });
    expect(again.every((e) => e.action === "absent")).toBe(true);
  });

  it("uses what the user brings (a cluster, a secret) and teardown keeps it", async () => {
    const sm = new SecretsManagerClient(f.config);
    const ecs = new ECSClient(f.config);
    try {
      const own = await sm.send(new CreateSecretCommand({ Name: "team/api-key", SecretString: "pnu_team" }));
      const made = await provision(input({ pool: "brought", cluster: "default", createApiKeySecret: undefined, apiKeySecretArn: own.ARN }));
      expect(made.entries.find((e) => e.resource === "ECS cluster")).toMatchObject({ name: "default", action: "exists", detail: "not created by ecsflow; kept on teardown" });
      expect(made.entries.find((e) => e.resource === "Secrets Manager secret")).toMatchObject({ name: own.ARN, action: "exists" });
      const td = (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: resourceNames("brought").family }))).taskDefinition!;
      expect(td.containerDefinitions![0].secrets).toEqual([{ name: "ECSFLOW_API_KEY", valueFrom: own.ARN }]);

      const removed = await teardown({ pool: "brought", connection: input().connection, api, pollMs: 50 });
      expect(removed.find((e) => e.resource === "ECS cluster")).toMatchObject({ name: "default", action: "keep" });
      expect(removed.find((e) => e.resource === "Secrets Manager secret")).toMatchObject({ action: "absent" });
      expect(removed.find((e) => e.resource === "ECS service (worker)")).toMatchObject({ action: "delete" });
      expect((await ecs.send(new DescribeClustersCommand({ clusters: ["default"] }))).clusters![0].status).toBe("ACTIVE");
      expect((await sm.send(new DescribeSecretCommand({ SecretId: own.ARN }))).Name).toBe("team/api-key");
    } finally {
      sm.destroy();
      ecs.destroy();
    }
  });

  it("a bad subnet is named, and nothing is created", async () => {
    f.handle.admin.resetCounters();
    const attempt = provision(input({ pool: "bad-net", subnets: ["subnet-0e5c10ca1de5a000a", "subnet-0000000000000dead"] }));
    await expect(attempt).rejects.toBeInstanceOf(ProvisionError);
    await expect(attempt).rejects.toThrow(/Subnet subnet-0000000000000dead does not exist/);
    expect(mutating(await calls())).toEqual([]);
    expect((await server.request("GET", "/work_pools/bad-net")).status).toBe(404);
  });

  it("a security group outside the subnets' VPC, or missing, is named too", async () => {
    await expect(provision(input({ pool: "bad-sg", securityGroups: ["sg-00000000000000bad"] }))).rejects.toThrow(/Security group sg-00000000000000bad does not exist/);
  });
});
