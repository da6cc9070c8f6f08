import { createHash } from "node:crypto";
import { DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand, type RegisterTaskDefinitionCommandInput } from "@aws-sdk/client-ecs";
import { aws, awsOrMissing } from "../provision-error.js";
import type { ProvisionContext, Step } from "../plan.js";
import { managedTags, SPEC_TAG } from "../resource-names.js";

/** The worker's task definition as provision wants it (without tags). */
export function workerTaskDefinition(ctx: ProvisionContext): RegisterTaskDefinitionCommandInput {
  const { settings } = ctx;
  const port = settings.healthPort;
  return {
    family: settings.names.family,
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    cpu: settings.cpu,
    memory: settings.memory,
    executionRoleArn: ctx.executionRoleArn,
    taskRoleArn: ctx.workerRoleArn,
    containerDefinitions: [
      {
        name: "worker",
        image: settings.image,
        essential: true,
        command: ["ecsflow", "worker", "start", "--pool", settings.pool, "--type", "ecs", "--with-healthcheck", "--healthcheck-port", String(port)],
        // Flow runs default to the worker's own image: the runtime image runs both.
        environment: [
          { name: "PREFECT_API_URL", value: settings.apiUrl },
          { name: "ECSFLOW_ECS_DEFAULT_IMAGE", value: settings.image },
          // Watch tasks by their state-change events (worker.ecs.task_events_queue_url), DescribeTasks as the fallback.
          ...(ctx.taskEventsQueueUrl ? [{ name: "ECSFLOW_ECS_TASK_EVENTS_QUEUE_URL", value: ctx.taskEventsQueueUrl }] : []),
          ...Object.entries(settings.workerEnvironment)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, value]) => ({ name, value })),
        ],
        // The key reaches the container from Secrets Manager, never through the task definition.
        ...(ctx.secretArn ? { secrets: [{ name: "ECSFLOW_API_KEY", valueFrom: ctx.secretArn }] } : {}),
        logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": settings.names.logGroup, "awslogs-region": ctx.region, "awslogs-stream-prefix": "worker" } },
        // The image has Node.js but maybe no curl.
        healthCheck: {
          command: ["CMD-SHELL", `node -e "fetch('http://127.0.0.1:${port}/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`],
          interval: 30,
          timeout: 5,
          retries: 3,
          startPeriod: 30,
        },
      },
    ],
  };
}

/** A digest of the wanted definition: stored as a tag, it tells a rerun whether the latest revision is current. */
export function specHash(input: RegisterTaskDefinitionCommandInput): string {
  return createHash("sha256").update(JSON.stringify(input)).digest("hex");
}

export const taskDefinitionStep: Step = {
  resource: "ECS task definition (worker)",
  name: (ctx) => ctx.settings.names.family,
  async run(ctx) {
    const family = ctx.settings.names.family;
    const wanted = workerTaskDefinition(ctx);
    const hash = specHash(wanted);
    const found = await awsOrMissing("ecs:DescribeTaskDefinition", `task definition ${family}`, ["ClientException"], () => ctx.aws.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family, include: ["TAGS"] })));
    const current = found?.taskDefinition?.status === "ACTIVE" ? found : undefined;
    if (current && current.tags?.some((t) => t.key === SPEC_TAG && t.value === hash)) {
      ctx.taskDefinitionArn = current.taskDefinition!.taskDefinitionArn;
      return { action: "exists" };
    }
    if (!ctx.dryRun) {
      const out = await aws("ecs:RegisterTaskDefinition", `task definition ${family}`, () => ctx.aws.ecs.send(new RegisterTaskDefinitionCommand({ ...wanted, tags: [...managedTags(ctx.settings.pool), { key: SPEC_TAG, value: hash }] })));
      ctx.taskDefinitionArn = out.taskDefinition?.taskDefinitionArn;
    }
    return current ? { action: "update", detail: "new revision" } : { action: "create" };
  },
};
