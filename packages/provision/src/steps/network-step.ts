import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { aws, awsErrorCode, explainAwsError, ProvisionError } from "../provision-error.js";
import type { Step } from "../plan.js";

/**
 * Checks the subnets and security groups before anything is created (a typo must not leave half a
 * setup behind), and finds their VPC; without --subnets, the default VPC's subnets.
 */
export const networkStep: Step = {
  resource: "network",
  name: (ctx) => (ctx.settings.subnets?.length ? ctx.settings.subnets.join(",") : "default VPC"),
  async run(ctx) {
    const { ec2 } = ctx.aws;
    const wanted = ctx.settings.subnets ?? [];
    if (wanted.length > 0) {
      const subnets = [];
      // One subnet per call, so that a missing one is named (AWS's batch error may not say which).
      for (const id of wanted) {
        try {
          const out = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }));
          const s = out.Subnets?.[0];
          if (!s) throw new ProvisionError(`Subnet ${id} does not exist (in this account and Region); check --subnets.`);
          subnets.push(s);
        } catch (err) {
          const code = awsErrorCode(err);
          if (code === "InvalidSubnetID.NotFound" || code === "InvalidSubnetID.Malformed" || code === "InvalidParameterValue") {
            throw new ProvisionError(`Subnet ${id} does not exist (in this account and Region); check --subnets.`, false, { cause: err });
          }
          throw explainAwsError(err, "ec2:DescribeSubnets", `subnet ${id}`);
        }
      }
      const vpcs = [...new Set(subnets.map((s) => s.VpcId))];
      if (vpcs.length > 1) throw new ProvisionError(`Subnets ${wanted.join(", ")} are in different VPCs (${vpcs.join(", ")}); name subnets of one VPC.`);
      ctx.vpcId = vpcs[0]!;
      ctx.subnets = wanted;
    } else {
      const out = await aws("ec2:DescribeVpcs", "default VPC", () => ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "isDefault", Values: ["true"] }] })));
      const vpc = out.Vpcs?.[0]?.VpcId;
      if (!vpc) throw new ProvisionError("This Region has no default VPC; name the worker's subnets with --subnets.");
      const subnets = await aws("ec2:DescribeSubnets", `subnets of ${vpc}`, () => ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpc] }] })));
      const ids = (subnets.Subnets ?? []).map((s) => s.SubnetId!).filter(Boolean).sort().slice(0, 16);
      if (ids.length === 0) throw new ProvisionError(`The default VPC ${vpc} has no subnets; name the worker's subnets with --subnets.`);
      ctx.vpcId = vpc;
      ctx.subnets = ids;
    }
    const groups = ctx.settings.securityGroups ?? [];
    for (const id of groups) {
      let found;
      try {
        found = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups?.[0];
      } catch (err) {
        const code = awsErrorCode(err);
        if (code !== "InvalidGroup.NotFound" && code !== "InvalidGroupId.Malformed" && code !== "InvalidParameterValue") throw explainAwsError(err, "ec2:DescribeSecurityGroups", `security group ${id}`);
      }
      if (!found) throw new ProvisionError(`Security group ${id} does not exist (in this account and Region); check --security-groups.`);
      if (found.VpcId !== ctx.vpcId) throw new ProvisionError(`Security group ${id} is in ${found.VpcId}, not in the subnets' VPC ${ctx.vpcId}.`);
    }
    ctx.securityGroups = groups;
    return { action: "check", detail: `${ctx.vpcId}: ${ctx.subnets.join(",")}` };
  },
};
