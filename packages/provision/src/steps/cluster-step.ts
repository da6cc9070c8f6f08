import { CreateClusterCommand, DescribeClustersCommand } from "@aws-sdk/client-ecs";
import { aws } from "../provision-error.js";
import type { Step } from "../plan.js";
import { isManagedFor, managedTags } from "../resource-names.js";

export const clusterStep: Step = {
  resource: "ECS cluster",
  name: (ctx) => ctx.settings.names.cluster,
  async run(ctx) {
    const name = ctx.settings.names.cluster;
    const out = await aws("ecs:DescribeClusters", `cluster ${name}`, () => ctx.aws.ecs.send(new DescribeClustersCommand({ clusters: [name], include: ["TAGS"] })));
    const found = out.clusters?.find((c) => c.status === "ACTIVE");
    if (found) {
      ctx.clusterArn = found.clusterArn;
      // A cluster the user already had is used, never tagged: teardown leaves it alone.
      return { action: "exists", detail: isManagedFor(found.tags, ctx.settings.pool) ? undefined : "not created by ecsflow; kept on teardown" };
    }
    if (!ctx.dryRun) {
      const created = await aws("ecs:CreateCluster", `cluster ${name}`, () => ctx.aws.ecs.send(new CreateClusterCommand({ clusterName: name, tags: managedTags(ctx.settings.pool) })));
      ctx.clusterArn = created.cluster?.clusterArn;
    }
    return { action: "create" };
  },
};
