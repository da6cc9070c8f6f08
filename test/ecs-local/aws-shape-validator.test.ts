import { describe, expect, it } from "vitest";
import { referenceAvailable, validateExchange, type ExchangeLike } from "../support/aws-shape-validator.js";

// The validator must find problems, or its silence elsewhere means nothing.
const json = (service: string, operation: string, body: unknown, httpStatus = 200): ExchangeLike => ({ service, operation, protocol: "json", httpStatus, body: JSON.stringify(body) });
const xml = (service: string, protocol: "query" | "ec2", operation: string, body: string, httpStatus = 200): ExchangeLike => ({ service, operation, protocol, httpStatus, body });

describe.skipIf(!referenceAvailable)("the AWS model shape validator (skipped: ../shared/reference/aws is absent)", () => {
  it("accepts answers that match the model", () => {
    expect(validateExchange(json("ecs", "ListClusters", { clusterArns: ["arn:aws:ecs:us-east-1:000000000000:cluster/default"] }))).toEqual([]);
    expect(validateExchange(json("ecs", "RunTask", { __type: "ClusterNotFoundException", message: "Cluster not found." }, 400))).toEqual([]);
    expect(validateExchange(xml("sts", "query", "GetCallerIdentity", "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>1</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>"))).toEqual([]);
  });

  it("finds unknown members, wrong types, bad enum values and missing required members in JSON", () => {
    expect(validateExchange(json("ecs", "ListClusters", { clusterArns: "one" }))).toEqual(["ecs:ListClusters.clusterArns: expected a list"]);
    expect(validateExchange(json("ecs", "ListClusters", { clusterArn: [] }))).toEqual(["ecs:ListClusters.clusterArn: not a member of ListClustersResponse"]);
    expect(validateExchange(json("ecs", "StopTask", { task: { stopCode: "Bored" } }))[0]).toMatch(/Bored is not one of/);
    expect(validateExchange(json("ecs", "StopTask", { task: { createdAt: "yesterday" } }))).toEqual(["ecs:StopTask.task.createdAt: expected epoch seconds"]);
    expect(validateExchange(json("logs", "GetLogEvents", { events: [{ timestamp: 1.5 }] }))).toEqual(["logs:GetLogEvents.events[0].timestamp: expected an integer"]);
  });

  it("finds error codes the operation does not list", () => {
    expect(validateExchange(json("ecs", "ListClusters", { __type: "ClusterNotFoundException", message: "x" }, 400))).toEqual(["ecs:ListClusters: error ClusterNotFoundException is not one the operation lists"]);
    expect(validateExchange(xml("iam", "query", "GetRole", "<ErrorResponse><Error><Type>Sender</Type><Code>EntityAlreadyExists</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>", 409))).toEqual([
      "iam:GetRole: error EntityAlreadyExists is not one the operation lists",
    ]);
  });

  it("finds misnamed XML elements, list entries and missing result wrappers", () => {
    const vpcs = (inner: string) => `<DescribeVpcsResponse><requestId>r</requestId><vpcSet>${inner}</vpcSet></DescribeVpcsResponse>`;
    expect(validateExchange(xml("ec2", "ec2", "DescribeVpcs", vpcs("<item><vpcId>v</vpcId><isDefault>true</isDefault></item>")))).toEqual([]);
    expect(validateExchange(xml("ec2", "ec2", "DescribeVpcs", vpcs("<member><vpcId>v</vpcId></member>")))).toEqual(["ec2:DescribeVpcs.vpcSet: list entry <member>, expected <item>"]);
    expect(validateExchange(xml("ec2", "ec2", "DescribeVpcs", vpcs("<item><VpcId>v</VpcId><isDefault>yes</isDefault></item>")))).toEqual([
      "ec2:DescribeVpcs.vpcSet[0]: <VpcId> is not a member of Vpc",
      "ec2:DescribeVpcs.vpcSet[0].isDefault: expected true or false, got yes",
    ]);
    expect(validateExchange(xml("iam", "query", "GetRole", "<GetRoleResponse><GetRoleResult><Role><RoleName>r</RoleName></Role></GetRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetRoleResponse>"))).toEqual([
      "iam:GetRole.GetRoleResult.Role.Path: required member missing",
      "iam:GetRole.GetRoleResult.Role.RoleId: required member missing",
      "iam:GetRole.GetRoleResult.Role.Arn: required member missing",
      "iam:GetRole.GetRoleResult.Role.CreateDate: required member missing",
    ]);
    expect(validateExchange(xml("sts", "query", "GetCallerIdentity", "<GetCallerIdentityResponse><Account>1</Account></GetCallerIdentityResponse>"))).toEqual([
      "sts:GetCallerIdentity: no <ResponseMetadata><RequestId>",
      "sts:GetCallerIdentity: expected one <GetCallerIdentityResult>",
    ]);
  });
});
