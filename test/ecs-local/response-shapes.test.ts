import * as logsSdk from "@aws-sdk/client-cloudwatch-logs";
import * as ec2Sdk from "@aws-sdk/client-ec2";
import * as ecsSdk from "@aws-sdk/client-ecs";
import * as iamSdk from "@aws-sdk/client-iam";
import * as smSdk from "@aws-sdk/client-secrets-manager";
import * as stsSdk from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS_NEWER_THAN_MODEL, validateExchanges } from "../support/aws-shape-validator.js";
import { eventually, referenceAvailable, startFixture, type Fixture } from "./ecs-local-fixture.js";
import { IMPLEMENTED } from "./implemented-operations.js";

let f: Fixture;

beforeAll(async () => {
  f = await startFixture();
});

afterAll(async () => {
  await f?.handle.close();
});

/** Calls every implemented operation at least once, in states that fill most optional members. */
async function exerciseEverything(): Promise<void> {
  const ecs = new ecsSdk.ECSClient(f.config);
  const logs = new logsSdk.CloudWatchLogsClient(f.config);
  const sm = new smSdk.SecretsManagerClient(f.config);
  const ec2 = new ec2Sdk.EC2Client(f.config);
  const sts = new stsSdk.STSClient(f.config);
  const iam = new iamSdk.IAMClient(f.config);
  try {
    const secret = await sm.send(new smSdk.CreateSecretCommand({ Name: "shape", SecretString: "v1", Tags: [{ Key: "k", Value: "v" }] }));
    await sm.send(new smSdk.PutSecretValueCommand({ SecretId: "shape", SecretString: "v2" }));
    await sm.send(new smSdk.GetSecretValueCommand({ SecretId: secret.ARN }));
    await sm.send(new smSdk.DescribeSecretCommand({ SecretId: "shape" }));

    await ecs.send(new ecsSdk.CreateClusterCommand({ clusterName: "shapes", tags: [{ key: "a", value: "b" }] }));
    await ecs.send(new ecsSdk.DescribeClustersCommand({ clusters: ["shapes", "missing"], include: ["TAGS", "SETTINGS", "STATISTICS", "CONFIGURATIONS"] }));
    await ecs.send(new ecsSdk.ListClustersCommand({}));
    const container = {
      name: "main",
      image: "busybox",
      command: ["sh", "-c", "echo started; sleep 30"],
      portMappings: [{ containerPort: 8080 }],
      environment: [{ name: "A", value: "1" }],
      secrets: [{ name: "S", valueFrom: secret.ARN! }],
      logConfiguration: { logDriver: "awslogs" as const, options: { "awslogs-group": "/shapes", "awslogs-create-group": "true", "awslogs-stream-prefix": "p" } },
    };
    const td = await ecs.send(
      new ecsSdk.RegisterTaskDefinitionCommand({
        family: "shapes",
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: "256",
        memory: "512",
        executionRoleArn: "arn:aws:iam::000000000000:role/exec",
        containerDefinitions: [container],
        tags: [{ key: "t", value: "d" }],
      }),
    );
    await ecs.send(new ecsSdk.DescribeTaskDefinitionCommand({ taskDefinition: "shapes", include: ["TAGS"] }));
    const old = await ecs.send(new ecsSdk.RegisterTaskDefinitionCommand({ family: "shapes-old", containerDefinitions: [{ ...container, memory: 64 }] }));
    await ecs.send(new ecsSdk.DeregisterTaskDefinitionCommand({ taskDefinition: old.taskDefinition!.taskDefinitionArn }));
    await ecs.send(new ecsSdk.DeleteTaskDefinitionsCommand({ taskDefinitions: [old.taskDefinition!.taskDefinitionArn!] }));
    await ecs.send(new ecsSdk.ListTaskDefinitionsCommand({}));
    await ecs.send(new ecsSdk.ListTaskDefinitionFamiliesCommand({ status: "ALL" }));

    const network = { awsvpcConfiguration: { subnets: ["subnet-0e5c10ca1de5a000a"], securityGroups: ["sg-0e5c10ca1de5a0001"], assignPublicIp: "ENABLED" as const } };
    const run = await ecs.send(new ecsSdk.RunTaskCommand({ cluster: "shapes", taskDefinition: td.taskDefinition!.taskDefinitionArn, launchType: "FARGATE", networkConfiguration: network, tags: [{ key: "r", value: "1" }], propagateTags: "TASK_DEFINITION", startedBy: "shapes", clientToken: "shape-token" }));
    const taskArn = run.tasks![0].taskArn!;
    await eventually(async () => ((await ecs.send(new ecsSdk.DescribeTasksCommand({ cluster: "shapes", tasks: [taskArn] }))).tasks![0].lastStatus === "RUNNING" ? true : undefined), "RUNNING");
    await ecs.send(new ecsSdk.DescribeTasksCommand({ cluster: "shapes", tasks: [taskArn, "0123456789abcdef0123456789abcdef"], include: ["TAGS"] }));
    await ecs.send(new ecsSdk.ListTasksCommand({ cluster: "shapes" }));
    await ecs.send(new ecsSdk.TagResourceCommand({ resourceArn: taskArn, tags: [{ key: "x", value: "y" }] }));
    await ecs.send(new ecsSdk.UntagResourceCommand({ resourceArn: taskArn, tagKeys: ["x"] }));
    await ecs.send(new ecsSdk.ListTagsForResourceCommand({ resourceArn: taskArn }));
    await ecs.send(new ecsSdk.StopTaskCommand({ cluster: "shapes", task: taskArn, reason: "shapes" }));
    const instances = await ecs.send(new ecsSdk.ListContainerInstancesCommand({ cluster: "shapes" }));
    await ecs.send(new ecsSdk.DescribeContainerInstancesCommand({ cluster: "shapes", containerInstances: [...instances.containerInstanceArns!, "0123456789abcdef0123456789abcdef"] }));
    await eventually(async () => ((await ecs.send(new ecsSdk.DescribeTasksCommand({ cluster: "shapes", tasks: [taskArn] }))).tasks![0].lastStatus === "STOPPED" ? true : undefined), "STOPPED");

    await ecs.send(new ecsSdk.CreateServiceCommand({ cluster: "shapes", serviceName: "svc", taskDefinition: "shapes", desiredCount: 1, launchType: "FARGATE", networkConfiguration: network, tags: [{ key: "s", value: "1" }] }));
    await eventually(async () => ((await ecs.send(new ecsSdk.DescribeServicesCommand({ cluster: "shapes", services: ["svc"] }))).services![0].runningCount === 1 ? true : undefined), "service running");
    await ecs.send(new ecsSdk.UpdateServiceCommand({ cluster: "shapes", service: "svc", forceNewDeployment: true }));
    await ecs.send(new ecsSdk.DescribeServicesCommand({ cluster: "shapes", services: ["svc", "nope"], include: ["TAGS"] }));
    await ecs.send(new ecsSdk.ListServicesCommand({ cluster: "shapes" }));
    await ecs.send(new ecsSdk.DeleteServiceCommand({ cluster: "shapes", service: "svc", force: true }));
    await eventually(async () => ((await ecs.send(new ecsSdk.DescribeServicesCommand({ cluster: "shapes", services: ["svc"] }))).services![0].status === "INACTIVE" ? true : undefined), "service INACTIVE");
    await ecs.send(new ecsSdk.DeleteClusterCommand({ cluster: "shapes" }));

    await logs.send(new logsSdk.CreateLogGroupCommand({ logGroupName: "/more" }));
    await logs.send(new logsSdk.CreateLogStreamCommand({ logGroupName: "/more", logStreamName: "s" }));
    await logs.send(new logsSdk.PutLogEventsCommand({ logGroupName: "/more", logStreamName: "s", logEvents: [{ timestamp: Date.now(), message: "m" }] }));
    await logs.send(new logsSdk.DescribeLogGroupsCommand({}));
    await logs.send(new logsSdk.DescribeLogStreamsCommand({ logGroupName: "/shapes" }));
    await logs.send(new logsSdk.GetLogEventsCommand({ logGroupName: "/more", logStreamName: "s" }));
    await logs.send(new logsSdk.FilterLogEventsCommand({ logGroupName: "/shapes", filterPattern: "started" }));

    await ec2.send(new ec2Sdk.DescribeVpcsCommand({}));
    await ec2.send(new ec2Sdk.DescribeSubnetsCommand({}));
    await ec2.send(new ec2Sdk.DescribeSecurityGroupsCommand({}));
    await sts.send(new stsSdk.GetCallerIdentityCommand({}));
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [] });
    await iam.send(new iamSdk.CreateRoleCommand({ RoleName: "shapes", AssumeRolePolicyDocument: trust, Description: "d", Tags: [{ Key: "k", Value: "v" }] }));
    await iam.send(new iamSdk.GetRoleCommand({ RoleName: "shapes" }));
    await iam.send(new iamSdk.AttachRolePolicyCommand({ RoleName: "shapes", PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }));
    await iam.send(new iamSdk.PutRolePolicyCommand({ RoleName: "shapes", PolicyName: "p", PolicyDocument: trust }));
    await iam.send(new iamSdk.ListAttachedRolePoliciesCommand({ RoleName: "shapes" }));
    await iam.send(new iamSdk.GetRolePolicyCommand({ RoleName: "shapes", PolicyName: "p" }));
    await iam.send(new iamSdk.DeleteRolePolicyCommand({ RoleName: "shapes", PolicyName: "p" }));
    await iam.send(new iamSdk.DetachRolePolicyCommand({ RoleName: "shapes", PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }));
    await iam.send(new iamSdk.DeleteRoleCommand({ RoleName: "shapes" }));
    await logs.send(new logsSdk.DeleteLogGroupCommand({ logGroupName: "/more" }));
    await sm.send(new smSdk.DeleteSecretCommand({ SecretId: "shape", ForceDeleteWithoutRecovery: true }));
  } finally {
    for (const c of [ecs, logs, sm, ec2, sts, iam]) c.destroy();
  }
}

describe.skipIf(!referenceAvailable)("responses against botocore's models (skipped: ../shared/reference/aws is absent)", () => {
  it("answers every implemented operation with a response that validates against its output shape", async () => {
    await exerciseEverything();
    const { problems, notInModel } = validateExchanges(f.exchanges);
    expect(problems).toEqual([]);
    expect([...notInModel]).toEqual([...OPERATIONS_NEWER_THAN_MODEL]);
    const succeeded = new Set(f.exchanges.filter((e) => e.httpStatus === 200).map((e) => `${e.service}:${e.operation}`));
    const missing = Object.entries(IMPLEMENTED).flatMap(([service, ops]) => ops.map((op) => `${service}:${op}`)).filter((op) => !succeeded.has(op));
    expect(missing).toEqual([]);
  });
});
