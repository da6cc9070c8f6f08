import { CreateLogGroupCommand, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { aws } from "../provision-error.js";
import type { Step } from "../plan.js";
import { managedTags } from "../resource-names.js";

export const logGroupStep: Step = {
  resource: "CloudWatch log group",
  name: (ctx) => ctx.settings.names.logGroup,
  async run(ctx) {
    const name = ctx.settings.names.logGroup;
    const out = await aws("logs:DescribeLogGroups", `log group ${name}`, () => ctx.aws.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name })));
    if (out.logGroups?.some((g) => g.logGroupName === name)) return { action: "exists" };
    if (!ctx.dryRun) {
      const tags = Object.fromEntries(managedTags(ctx.settings.pool).map((t) => [t.key, t.value]));
      await aws("logs:CreateLogGroup", `log group ${name}`, () => ctx.aws.logs.send(new CreateLogGroupCommand({ logGroupName: name, tags })));
    }
    return { action: "create" };
  },
};
