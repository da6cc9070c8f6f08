// IAM documents. The worker's role holds exactly what packages/worker/src/infrastructure/ecs calls (see its
// SDK commands), plus iam:PassRole on the two roles its runs' task definitions name.

export const ECS_TASKS_TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

export const EXECUTION_MANAGED_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy";
export const EXECUTION_INLINE_POLICY = "ecsflow-execution";
export const WORKER_INLINE_POLICY = "ecsflow-worker";

/** What the managed execution policy lacks: creating the runs' log groups, reading the API key. */
/** ARNs are strings here, CloudFormation intrinsics (`{Ref: …}`) in the template. */
export function executionPolicy(secretArn: unknown): object {
  const statements: object[] = [{ Sid: "RunLogGroups", Effect: "Allow", Action: ["logs:CreateLogGroup"], Resource: "*" }];
  if (secretArn) statements.push({ Sid: "ReadApiKey", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secretArn });
  return { Version: "2012-10-17", Statement: statements };
}

/** The worker's calls; with a task-events queue, reading and deleting its messages too. */
export function workerPolicy(executionRoleArn: unknown, workerRoleArn: unknown, taskEventsQueueArn?: unknown): object {
  const events = taskEventsQueueArn ? [{ Sid: "ReadTaskEvents", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource: taskEventsQueueArn }] : [];
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RunFlowRunTasks",
        Effect: "Allow",
        Action: ["ecs:RunTask", "ecs:StopTask", "ecs:DescribeTasks", "ecs:ListTasks", "ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:DescribeContainerInstances", "ecs:TagResource"],
        Resource: "*",
      },
      { Sid: "ResolveNetwork", Effect: "Allow", Action: ["ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"], Resource: "*" },
      { Sid: "ReadRunLogs", Effect: "Allow", Action: ["logs:GetLogEvents"], Resource: "*" },
      { Sid: "CheckRunSecrets", Effect: "Allow", Action: ["secretsmanager:DescribeSecret"], Resource: "*" },
      { Sid: "PassRunRoles", Effect: "Allow", Action: ["iam:PassRole"], Resource: [executionRoleArn, workerRoleArn] },
      ...events,
    ],
  };
}

/** EventBridge's pattern for one cluster's ECS Task State Change events. */
export function taskEventsPattern(clusterArn: unknown): object {
  return { source: ["aws.ecs"], "detail-type": ["ECS Task State Change"], detail: { clusterArn: [clusterArn] } };
}

/** The queue's resource policy: EventBridge may send to it, and only for this rule. */
export function taskEventsQueuePolicy(queueArn: unknown, ruleArn: unknown): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EcsTaskStateChangesFromEventBridge",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
      },
    ],
  };
}

/** Deep equality of two JSON documents (IAM hands them back URL-encoded, maybe reformatted). */
export function sameDocument(stored: string | undefined, wanted: object): boolean {
  if (stored === undefined) return false;
  let text = stored;
  try {
    text = decodeURIComponent(stored);
  } catch {
    /* not encoded */
  }
  try {
    return canonical(JSON.parse(text)) === canonical(wanted);
  } catch {
    return false;
  }
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(v);
}
