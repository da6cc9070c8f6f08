import { CreateServiceCommand, DescribeServicesCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { aws, awsOrMissing } from "../provision-error.js";
import type { Step } from "../plan.js";
import { managedTags } from "../resource-names.js";

/** The ECS service that keeps one worker task running (and replaces it when it dies). */
export const serviceStep: Step = {
  resource: "ECS service (worker)",
  name: (ctx) => ctx.settings.names.service,
  async run(ctx) {
    const { cluster, service } = ctx.settings.names;
    const what = `service ${service} in cluster ${cluster}`;
    const out = ctx.clusterArn
      ? await awsOrMissing("ecs:DescribeServices", what, ["ClusterNotFoundException"], () => ctx.aws.ecs.send(new DescribeServicesCommand({ cluster, services: [service] })))
      : undefined;
    const found = out?.services?.find((s) => s.status === "ACTIVE" || s.status === "DRAINING");
    const network = { awsvpcConfiguration: { subnets: ctx.subnets, assignPublicIp: "ENABLED" as const, ...(ctx.securityGroups.length > 0 ? { securityGroups: ctx.securityGroups } : {}) } };
    if (!found || found.status === "DRAINING") {
      if (!ctx.dryRun) {
        await aws("ecs:CreateService", what, () =>
          ctx.aws.ecs.send(
            new CreateServiceCommand({ cluster, serviceName: service, taskDefinition: ctx.taskDefinitionArn, desiredCount: 1, launchType: "FARGATE", networkConfiguration: network, tags: managedTags(ctx.settings.pool), propagateTags: "SERVICE" }),
          ),
        );
      }
      return { action: "create" };
    }
    const changes: string[] = [];
    if (found.taskDefinition !== ctx.taskDefinitionArn) changes.push("task definition");
    if (found.desiredCount !== 1) changes.push(`desired count ${found.desiredCount} → 1`);
    if (changes.length === 0) return { action: "exists" };
    if (!ctx.dryRun) await aws("ecs:UpdateService", what, () => ctx.aws.ecs.send(new UpdateServiceCommand({ cluster, service, taskDefinition: ctx.taskDefinitionArn, desiredCount: 1 })));
    return { action: "update", detail: changes.join(", ") };
  },
};
