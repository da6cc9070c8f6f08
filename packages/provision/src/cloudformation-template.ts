// The same resources as `provision`, as a CloudFormation template for teams that deploy through
// IaC. Same names, so that `ecsflow ecs provision --pool NAME` run afterwards finds them and only
// adds the work pool (an ecsflow object, not an AWS one) and, once, a task definition revision
// carrying its spec hash. Nothing here calls AWS.

import { ECS_TASKS_TRUST, EXECUTION_INLINE_POLICY, EXECUTION_MANAGED_POLICY, executionPolicy, taskEventsPattern, taskEventsQueuePolicy, WORKER_INLINE_POLICY, workerPolicy } from "./policies.js";
import { managedTags, resourceNames } from "./resource-names.js";
import { ruleDescription, TASK_EVENTS_RETENTION_SECONDS, TASK_EVENTS_TARGET_ID } from "./steps/task-events-step.js";

export interface CloudFormationInput {
  pool: string;
  cluster?: string;
  image: string;
  apiUrl: string;
  /** "create": a secret from the NoEcho parameter ApiKey; an ARN: that secret; undefined: none. */
  apiKeySecret?: "create" | { arn: string };
  subnets?: string[];
  securityGroups?: string[];
  healthPort?: number;
  cpu?: string;
  memory?: string;
  /** The EventBridge rule and SQS queue for event-driven task watching. @default true */
  taskEvents?: boolean;
}

const ref = (name: string) => ({ Ref: name });
const arnOf = (logical: string) => ({ "Fn::GetAtt": [logical, "Arn"] });

export function cloudFormationTemplate(input: CloudFormationInput): Record<string, unknown> {
  const names = resourceNames(input.pool, input.cluster);
  const tags = managedTags(input.pool).map((t) => ({ Key: t.key, Value: t.value }));
  const port = input.healthPort ?? 8080;
  const parameters: Record<string, unknown> = {
    Subnets: { Type: "List<AWS::EC2::Subnet::Id>", Description: "Subnets of the worker and of the flow runs", ...(input.subnets?.length ? { Default: input.subnets.join(",") } : {}) },
    SecurityGroups: { Type: "CommaDelimitedList", Description: "Their security groups (empty: the VPC's default)", Default: (input.securityGroups ?? []).join(",") },
  };
  const conditions: Record<string, unknown> = { HasSecurityGroups: { "Fn::Not": [{ "Fn::Equals": [{ "Fn::Join": ["", ref("SecurityGroups")] }, ""] }] } };
  const resources: Record<string, unknown> = {};

  let secretArn: unknown;
  if (input.apiKeySecret === "create") {
    parameters.ApiKey = { Type: "String", NoEcho: true, Description: "The ecsflow API key the worker uses" };
    resources.ApiKeySecret = { Type: "AWS::SecretsManager::Secret", Properties: { Name: names.secret, SecretString: ref("ApiKey"), Tags: tags } };
    secretArn = ref("ApiKeySecret");
  } else if (input.apiKeySecret) {
    secretArn = input.apiKeySecret.arn;
  }

  resources.LogGroup = { Type: "AWS::Logs::LogGroup", Properties: { LogGroupName: names.logGroup, Tags: tags } };
  if (input.cluster === undefined) resources.Cluster = { Type: "AWS::ECS::Cluster", Properties: { ClusterName: names.cluster, Tags: tags } };
  resources.ExecutionRole = {
    Type: "AWS::IAM::Role",
    Properties: {
      RoleName: names.executionRole,
      AssumeRolePolicyDocument: ECS_TASKS_TRUST,
      ManagedPolicyArns: [EXECUTION_MANAGED_POLICY],
      Policies: [{ PolicyName: EXECUTION_INLINE_POLICY, PolicyDocument: executionPolicy(secretArn) }],
      Tags: tags,
    },
  };
  const taskEvents = input.taskEvents ?? true;
  if (taskEvents) {
    const clusterArn = input.cluster === undefined ? arnOf("Cluster") : { "Fn::Sub": `arn:\${AWS::Partition}:ecs:\${AWS::Region}:\${AWS::AccountId}:cluster/${input.cluster}` };
    resources.TaskEventsQueue = { Type: "AWS::SQS::Queue", Properties: { QueueName: names.taskEventsQueue, MessageRetentionPeriod: Number(TASK_EVENTS_RETENTION_SECONDS), Tags: tags } };
    resources.TaskEventsRule = {
      Type: "AWS::Events::Rule",
      Properties: { Name: names.taskEventsRule, Description: ruleDescription(input.pool), State: "ENABLED", EventPattern: taskEventsPattern(clusterArn), Targets: [{ Id: TASK_EVENTS_TARGET_ID, Arn: arnOf("TaskEventsQueue") }] },
    };
    resources.TaskEventsQueuePolicy = { Type: "AWS::SQS::QueuePolicy", Properties: { Queues: [ref("TaskEventsQueue")], PolicyDocument: taskEventsQueuePolicy(arnOf("TaskEventsQueue"), arnOf("TaskEventsRule")) } };
  }
  const workerRoleArn = { "Fn::Sub": `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${names.workerRole}` };
  resources.WorkerRole = {
    Type: "AWS::IAM::Role",
    Properties: {
      RoleName: names.workerRole,
      AssumeRolePolicyDocument: ECS_TASKS_TRUST,
      // The role's own ARN by name: GetAtt on itself would be a circular reference.
      Policies: [{ PolicyName: WORKER_INLINE_POLICY, PolicyDocument: workerPolicy(arnOf("ExecutionRole"), workerRoleArn, taskEvents ? arnOf("TaskEventsQueue") : undefined) }],
      Tags: tags,
    },
  };
  resources.WorkerTaskDefinition = {
    Type: "AWS::ECS::TaskDefinition",
    Properties: {
      Family: names.family,
      NetworkMode: "awsvpc",
      RequiresCompatibilities: ["FARGATE"],
      Cpu: input.cpu ?? "256",
      Memory: input.memory ?? "512",
      ExecutionRoleArn: arnOf("ExecutionRole"),
      TaskRoleArn: arnOf("WorkerRole"),
      ContainerDefinitions: [
        {
          Name: "worker",
          Image: input.image,
          Essential: true,
          Command: ["ecsflow", "worker", "start", "--pool", input.pool, "--type", "ecs", "--with-healthcheck", "--healthcheck-port", String(port)],
          Environment: [
            { Name: "PREFECT_API_URL", Value: input.apiUrl },
            { Name: "ECSFLOW_ECS_DEFAULT_IMAGE", Value: input.image },
            ...(taskEvents ? [{ Name: "ECSFLOW_ECS_TASK_EVENTS_QUEUE_URL", Value: ref("TaskEventsQueue") }] : []),
          ],
          ...(secretArn ? { Secrets: [{ Name: "ECSFLOW_API_KEY", ValueFrom: secretArn }] } : {}),
          LogConfiguration: { LogDriver: "awslogs", Options: { "awslogs-group": ref("LogGroup"), "awslogs-region": ref("AWS::Region"), "awslogs-stream-prefix": "worker" } },
          HealthCheck: { Command: ["CMD-SHELL", `node -e "fetch('http://127.0.0.1:${port}/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`], Interval: 30, Timeout: 5, Retries: 3, StartPeriod: 30 },
        },
      ],
      Tags: tags,
    },
  };
  resources.WorkerService = {
    Type: "AWS::ECS::Service",
    Properties: {
      ServiceName: names.service,
      Cluster: input.cluster === undefined ? ref("Cluster") : input.cluster,
      TaskDefinition: ref("WorkerTaskDefinition"),
      DesiredCount: 1,
      LaunchType: "FARGATE",
      NetworkConfiguration: {
        AwsvpcConfiguration: { Subnets: ref("Subnets"), AssignPublicIp: "ENABLED", SecurityGroups: { "Fn::If": ["HasSecurityGroups", ref("SecurityGroups"), ref("AWS::NoValue")] } },
      },
      PropagateTags: "SERVICE",
      Tags: tags,
    },
  };
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `ecsflow: the AWS side of work pool ${input.pool} (create the pool itself with \`ecsflow ecs provision --pool ${input.pool}\` once the stack is up)`,
    Parameters: parameters,
    Conditions: conditions,
    Resources: resources,
    Outputs: {
      Cluster: { Value: input.cluster === undefined ? ref("Cluster") : input.cluster },
      ExecutionRoleArn: { Value: arnOf("ExecutionRole") },
      WorkerRoleArn: { Value: arnOf("WorkerRole") },
      LogGroup: { Value: ref("LogGroup") },
      ...(taskEvents ? { TaskEventsQueueUrl: { Value: ref("TaskEventsQueue") } } : {}),
    },
  };
}
