// The network configuration: inferred from the VPC's subnets, or checked against the VPC, and
// explained before RunTask when it is wrong (Prefect's network tests, ported to ecs-local).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SubmissionError } from "../../../../packages/worker/src/errors.js";
import { callsOf, fakeFlowRun, LogCapture, makeJob, render, runJob, runTaskRequestOf, startWorld, type World } from "./ecs-fixture.js";

const VPC = "vpc-0a1b2c3d4e5f60001";
const SUBNET = "subnet-0a1b2c3d4e5f60001";
const SUBNET_2 = "subnet-0a1b2c3d4e5f60002";
const SG = "sg-0a1b2c3d4e5f60001";
const EMPTY_VPC = "vpc-0a1b2c3d4e5f60002";
const OTHER_VPC = "vpc-0a1b2c3d4e5f60003";
const OTHER_SUBNET = "subnet-0c1b2c3d4e5f60003";
const OTHER_SG = "sg-0c1b2c3d4e5f60003";
const WIDE_VPC = "vpc-0a1b2c3d4e5f60004";
const DEFAULT_SUBNETS = ["subnet-0e5c10ca1de5a000a", "subnet-0e5c10ca1de5a000b", "subnet-0e5c10ca1de5a000c"];

let w: World;
beforeAll(async () => {
  w = await startWorld({
    network: {
      vpcs: [
        {
          vpcId: VPC,
          cidrBlock: "10.0.0.0/16",
          subnets: [
            { subnetId: SUBNET, cidrBlock: "10.0.2.0/24", availabilityZone: "us-east-1a" },
            { subnetId: SUBNET_2, cidrBlock: "10.0.3.0/24", availabilityZone: "us-east-1b" },
          ],
          securityGroups: [{ groupId: SG, groupName: "ECSWorkerTestSG" }],
        },
        { vpcId: EMPTY_VPC, cidrBlock: "172.16.0.0/16" },
        {
          vpcId: OTHER_VPC,
          cidrBlock: "10.1.0.0/16",
          subnets: [{ subnetId: OTHER_SUBNET, cidrBlock: "10.1.2.0/24", availabilityZone: "us-east-1a" }],
          securityGroups: [{ groupId: OTHER_SG, groupName: "other" }],
        },
        {
          vpcId: WIDE_VPC,
          cidrBlock: "10.2.0.0/16",
          subnets: Array.from({ length: 20 }, (_, i) => ({ subnetId: `subnet-0d1b2c3d4e5f600${String(i).padStart(2, "0")}`, cidrBlock: `10.2.${i}.0/24`, availabilityZone: "us-east-1a" })),
        },
      ],
    },
  });
});
afterAll(async () => {
  await w?.close();
});

async function requestFor(variables: Record<string, unknown>) {
  const capture = new LogCapture("debug");
  const r = await runJob(w.infrastructure(), { variables, logger: capture.logger });
  expect(r.result.exitCode).toBe(0);
  return { request: runTaskRequestOf(capture), output: r.output.map((o) => o.line).join("\n") };
}

async function submissionError(variables: Record<string, unknown>): Promise<SubmissionError> {
  const before = callsOf(w, "ecs:RunTask");
  const { configuration, flowRun } = render({ variables });
  const error = await w.infrastructure().run(makeJob(configuration, flowRun).job).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SubmissionError);
  // Explained before AWS saw a RunTask.
  expect(callsOf(w, "ecs:RunTask")).toBe(before);
  return error as SubmissionError;
}

describe("inferred network configuration", () => {
  it("uses every subnet of the default VPC, with a public IP", async () => {
    const { request } = await requestFor({});
    expect(request.networkConfiguration).toEqual({ awsvpcConfiguration: { subnets: DEFAULT_SUBNETS, assignPublicIp: "ENABLED" } });
  });

  it("uses the subnets of vpc_id's VPC", async () => {
    const { request } = await requestFor({ vpc_id: VPC });
    expect(request.networkConfiguration).toEqual({ awsvpcConfiguration: { subnets: [SUBNET, SUBNET_2], assignPublicIp: "ENABLED" } });
  });

  it("takes at most 16 subnets, ECS's limit", async () => {
    const { request } = await requestFor({ vpc_id: WIDE_VPC });
    expect(request.networkConfiguration.awsvpcConfiguration.subnets).toHaveLength(16);
  });

  it("explains a VPC that does not exist, and one without subnets", async () => {
    expect((await submissionError({ vpc_id: "vpc-0ffffffffffffffff" })).message).toContain("Failed to find the VPC with ID vpc-0ffffffffffffffff");
    expect((await submissionError({ vpc_id: EMPTY_VPC })).message).toContain(`Failed to find subnets for the VPC with ID ${EMPTY_VPC}`);
  });

  it("sends none for the bridge network mode (EC2), and warns that a configured one is ignored", async () => {
    expect((await requestFor({ launch_type: "EC2" })).request).not.toHaveProperty("networkConfiguration");
    const withCustom = await requestFor({ launch_type: "EC2", vpc_id: VPC, network_configuration: { subnets: [SUBNET] } });
    expect(withCustom.request).not.toHaveProperty("networkConfiguration");
    expect(withCustom.output).toContain("network_configuration is ignored: the task definition's network mode is bridge");
  });

  it("refuses the bridge network mode on Fargate before registering or running anything", async () => {
    for (const launchType of ["FARGATE", "FARGATE_SPOT"]) {
      const before = callsOf(w, "ecs:RegisterTaskDefinition");
      const { configuration, flowRun } = render({ variables: { launch_type: launchType }, templateOverrides: { task_definition: { networkMode: "bridge", containerDefinitions: [{ name: "prefect", image: "busybox" }] } } });
      const error = await w.infrastructure().run(makeJob(configuration, flowRun).job).catch((e: unknown) => e);
      expect((error as Error).message).toContain('Found network mode "bridge" which is not compatible with launch type');
      expect(callsOf(w, "ecs:RegisterTaskDefinition")).toBe(before);
    }
  });
});

describe("custom network_configuration", () => {
  it("is used as given when its subnet and security group are in vpc_id's VPC", async () => {
    const custom = { subnets: [SUBNET], assignPublicIp: "DISABLED", securityGroups: [SG] };
    const { request } = await requestFor({ vpc_id: VPC, network_configuration: custom });
    expect(request.networkConfiguration).toEqual({ awsvpcConfiguration: custom });
  });

  it("may name one of many subnets of the VPC, or several, and may be wrapped in awsvpcConfiguration", async () => {
    expect((await requestFor({ vpc_id: VPC, network_configuration: { subnets: [SUBNET_2] } })).request.networkConfiguration).toEqual({ awsvpcConfiguration: { subnets: [SUBNET_2] } });
    const both = { awsvpcConfiguration: { subnets: [SUBNET, SUBNET_2], securityGroups: [SG], assignPublicIp: "ENABLED" } };
    expect((await requestFor({ vpc_id: VPC, network_configuration: both })).request.networkConfiguration).toEqual(both);
  });

  it("needs no vpc_id (ecsflow infers the VPC from the subnets; Prefect refused)", async () => {
    const { request } = await requestFor({ network_configuration: { subnets: [OTHER_SUBNET], securityGroups: [OTHER_SG] } });
    expect(request.networkConfiguration.awsvpcConfiguration.subnets).toEqual([OTHER_SUBNET]);
  });

  it("explains subnets outside vpc_id's VPC, naming them and the VPC's own", async () => {
    const one = await submissionError({ vpc_id: VPC, network_configuration: { subnets: ["sn-8asdas"], assignPublicIp: "DISABLED", securityGroups: [SG] } });
    expect(one.message).toContain(`Subnets ["sn-8asdas"] not found within VPC with ID ${VPC}`);
    const mixed = await submissionError({ vpc_id: VPC, network_configuration: { subnets: ["subnet-3bf19de7", SUBNET] } });
    expect(mixed.message).toContain(`Subnets ["subnet-3bf19de7","${SUBNET}"] not found within VPC with ID ${VPC}`);
    expect(mixed.message).toContain(`${SUBNET}, ${SUBNET_2}`);
  });

  it("explains unknown subnets, subnets of two VPCs, and security groups that are unknown or elsewhere", async () => {
    expect((await submissionError({ network_configuration: { subnets: ["subnet-0fffffffffffffff0"] } })).message).toContain("do not exist");
    expect((await submissionError({ network_configuration: { subnets: [SUBNET, OTHER_SUBNET] } })).message).toContain("belong to different VPCs");
    expect((await submissionError({ vpc_id: VPC, network_configuration: { subnets: [SUBNET], securityGroups: ["sg-0fffffffffffffff0"] } })).message).toContain("security groups sg-0fffffffffffffff0");
    expect((await submissionError({ vpc_id: VPC, network_configuration: { subnets: [SUBNET], securityGroups: [OTHER_SG] } })).message).toContain(`are not in the subnets' VPC ${VPC}`);
  });

  it("explains malformed values", async () => {
    expect((await submissionError({ vpc_id: VPC, network_configuration: { subnets: [] } })).message).toContain("network_configuration.subnets is empty");
    expect((await submissionError({ vpc_id: VPC, network_configuration: { subnets: [SUBNET], assignPublicIp: "YES" } })).message).toContain("assignPublicIp must be ENABLED or DISABLED");
  });
});

describe("the network lookups", () => {
  it("are cached: many runs cost one DescribeVpcs", async () => {
    const infra = w.infrastructure();
    const before = callsOf(w, "ec2:DescribeVpcs");
    const deployment = fakeFlowRun();
    await Promise.all(Array.from({ length: 10 }, () => runJob(infra, { flowRun: { ...deployment, id: fakeFlowRun().id } })));
    expect(callsOf(w, "ec2:DescribeVpcs") - before).toBe(1);
  });
});
