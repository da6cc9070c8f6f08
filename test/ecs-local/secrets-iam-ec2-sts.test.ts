import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { AttachRolePolicyCommand, CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, DetachRolePolicyCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { CreateSecretCommand, DeleteSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAnswersMatchModels, referenceAvailable, startFixture, type Fixture } from "./ecs-local-fixture.js";

let f: Fixture;
let sm: SecretsManagerClient;
let iam: IAMClient;
let ec2: EC2Client;
let sts: STSClient;

beforeAll(async () => {
  f = await startFixture({
    network: {
      vpcs: [
        {
          vpcId: "vpc-0aaaaaaaaaaaaaaa1",
          cidrBlock: "10.0.0.0/16",
          subnets: [{ subnetId: "subnet-0aaaaaaaaaaaaaaa1", cidrBlock: "10.0.1.0/24", availabilityZone: "us-east-1b" }],
          securityGroups: [{ groupId: "sg-0aaaaaaaaaaaaaaa1", groupName: "workers", description: "flow runs" }],
        },
      ],
    },
  });
  sm = new SecretsManagerClient(f.config);
  iam = new IAMClient(f.config);
  ec2 = new EC2Client(f.config);
  sts = new STSClient(f.config);
});

afterAll(async () => {
  await f?.handle.close();
  for (const c of [sm, iam, ec2, sts]) c?.destroy();
});

const err = (p: Promise<unknown>) => p.then(() => "ok", (e: any) => `${e.name} ${e.$metadata?.httpStatusCode}`);

describe("Secrets Manager", () => {
  it("creates, reads by name and ARN, and versions secret values", async () => {
    const created = await sm.send(new CreateSecretCommand({ Name: "prefect/api-key", SecretString: "pnu_one", Description: "API key", Tags: [{ Key: "app", Value: "ecsflow" }] }));
    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:prefect\/api-key-[A-Za-z0-9]{6}$/);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: "prefect/api-key" }))).SecretString).toBe("pnu_one");
    const partialArn = created.ARN!.slice(0, -7);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: partialArn }))).VersionStages).toEqual(["AWSCURRENT"]);
    const put = await sm.send(new PutSecretValueCommand({ SecretId: created.ARN, SecretString: "pnu_two" }));
    expect(put.VersionStages).toEqual(["AWSCURRENT"]);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: created.ARN }))).SecretString).toBe("pnu_two");
    expect((await sm.send(new GetSecretValueCommand({ SecretId: created.ARN, VersionStage: "AWSPREVIOUS" }))).SecretString).toBe("pnu_one");
    const described = await sm.send(new DescribeSecretCommand({ SecretId: "prefect/api-key" }));
    expect(described).toMatchObject({ Name: "prefect/api-key", Description: "API key", Tags: [{ Key: "app", Value: "ecsflow" }] });
    expect(Object.values(described.VersionIdsToStages!).sort()).toEqual([["AWSCURRENT"], ["AWSPREVIOUS"]]);
    expect(described.LastAccessedDate).toBeInstanceOf(Date);
  });

  it("keeps binary secrets binary and makes ClientRequestToken idempotent", async () => {
    const token = "0123456789abcdef0123456789abcdef";
    const bin = await sm.send(new CreateSecretCommand({ Name: "blob", SecretBinary: new Uint8Array([1, 2, 3]), ClientRequestToken: token }));
    expect(bin.VersionId).toBe(token);
    const read = await sm.send(new GetSecretValueCommand({ SecretId: "blob" }));
    expect([...read.SecretBinary!]).toEqual([1, 2, 3]);
    expect(read.SecretString).toBeUndefined();
    const same = await sm.send(new PutSecretValueCommand({ SecretId: "blob", SecretBinary: new Uint8Array([1, 2, 3]), ClientRequestToken: token }));
    expect(same.VersionId).toBe(token);
    expect(await err(sm.send(new PutSecretValueCommand({ SecretId: "blob", SecretBinary: new Uint8Array([9]), ClientRequestToken: token })))).toBe("ResourceExistsException 400");
  });

  it("deletes a secret at once (no recovery window here), so its name can be used again", async () => {
    const made = await sm.send(new CreateSecretCommand({ Name: "short-lived", SecretString: "x" }));
    const deleted = await sm.send(new DeleteSecretCommand({ SecretId: made.ARN, ForceDeleteWithoutRecovery: true }));
    expect(deleted).toMatchObject({ ARN: made.ARN, Name: "short-lived" });
    expect(await err(sm.send(new DescribeSecretCommand({ SecretId: "short-lived" })))).toBe("ResourceNotFoundException 400");
    expect(await err(sm.send(new DeleteSecretCommand({ SecretId: "short-lived" })))).toBe("ResourceNotFoundException 400");
    expect(await err(sm.send(new DeleteSecretCommand({ SecretId: "x", ForceDeleteWithoutRecovery: true, RecoveryWindowInDays: 7 })))).toBe("InvalidParameterException 400");
    await sm.send(new CreateSecretCommand({ Name: "short-lived", SecretString: "y" }));
  });

  it("answers missing secrets, duplicates and bad input with Secrets Manager's errors", async () => {
    expect(await err(sm.send(new GetSecretValueCommand({ SecretId: "nope" })))).toBe("ResourceNotFoundException 400");
    expect(await err(sm.send(new CreateSecretCommand({ Name: "prefect/api-key", SecretString: "x" })))).toBe("ResourceExistsException 400");
    expect(await err(sm.send(new CreateSecretCommand({ Name: "both", SecretString: "x", SecretBinary: new Uint8Array([1]) })))).toBe("InvalidParameterException 400");
    expect(await err(sm.send(new CreateSecretCommand({ Name: "bad name!" })))).toBe("InvalidParameterException 400");
    await sm.send(new CreateSecretCommand({ Name: "empty" }));
    expect(await err(sm.send(new GetSecretValueCommand({ SecretId: "empty" })))).toBe("ResourceNotFoundException 400");
  });
});

describe("IAM", () => {
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] });

  it("creates and reads roles, attaches managed policies and puts inline ones", async () => {
    const created = await iam.send(new CreateRoleCommand({ RoleName: "ecsTaskExecutionRole", AssumeRolePolicyDocument: trust, Path: "/service/", Tags: [{ Key: "a", Value: "b" }] }));
    expect(created.Role).toMatchObject({ RoleName: "ecsTaskExecutionRole", Path: "/service/", Arn: "arn:aws:iam::000000000000:role/service/ecsTaskExecutionRole", MaxSessionDuration: 3600 });
    expect(created.Role!.RoleId).toMatch(/^AROA[A-Z0-9]{17}$/);
    const got = await iam.send(new GetRoleCommand({ RoleName: "ecsTaskExecutionRole" }));
    expect(decodeURIComponent(got.Role!.AssumeRolePolicyDocument!)).toBe(trust);
    expect(got.Role!.Tags).toEqual([{ Key: "a", Value: "b" }]);
    await iam.send(new AttachRolePolicyCommand({ RoleName: "ecsTaskExecutionRole", PolicyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: "ecsTaskExecutionRole", PolicyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" }));
    await iam.send(new PutRolePolicyCommand({ RoleName: "ecsTaskExecutionRole", PolicyName: "secrets", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [] }) }));
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "ecsTaskExecutionRole" }));
    expect(attached.AttachedPolicies).toEqual([{ PolicyName: "AmazonECSTaskExecutionRolePolicy", PolicyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy" }]);
    expect(attached.IsTruncated).toBe(false);
  });

  it("reads and deletes inline policies, detaches managed ones, and deletes only an emptied role", async () => {
    const doc = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] });
    await iam.send(new CreateRoleCommand({ RoleName: "doomed", AssumeRolePolicyDocument: trust }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: "doomed", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }));
    await iam.send(new PutRolePolicyCommand({ RoleName: "doomed", PolicyName: "inline", PolicyDocument: doc }));
    expect(decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: "doomed", PolicyName: "inline" }))).PolicyDocument!)).toBe(doc);
    expect(await err(iam.send(new DeleteRoleCommand({ RoleName: "doomed" })))).toBe("DeleteConflictException 409");
    await iam.send(new DeleteRolePolicyCommand({ RoleName: "doomed", PolicyName: "inline" }));
    expect(await err(iam.send(new GetRolePolicyCommand({ RoleName: "doomed", PolicyName: "inline" })))).toBe("NoSuchEntityException 404");
    await iam.send(new DetachRolePolicyCommand({ RoleName: "doomed", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }));
    expect(await err(iam.send(new DetachRolePolicyCommand({ RoleName: "doomed", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" })))).toBe("NoSuchEntityException 404");
    await iam.send(new DeleteRoleCommand({ RoleName: "doomed" }));
    expect(await err(iam.send(new GetRoleCommand({ RoleName: "doomed" })))).toBe("NoSuchEntityException 404");
  });

  it("answers IAM's errors with IAM's status codes", async () => {
    expect(await err(iam.send(new GetRoleCommand({ RoleName: "nobody" })))).toBe("NoSuchEntityException 404");
    expect(await err(iam.send(new CreateRoleCommand({ RoleName: "ecsTaskExecutionRole", AssumeRolePolicyDocument: trust })))).toBe("EntityAlreadyExistsException 409");
    expect(await err(iam.send(new CreateRoleCommand({ RoleName: "r2", AssumeRolePolicyDocument: "{not json" })))).toBe("MalformedPolicyDocumentException 400");
    expect(await err(iam.send(new CreateRoleCommand({ RoleName: "bad name", AssumeRolePolicyDocument: trust })))).toBe("ValidationError 400");
    expect(await err(iam.send(new AttachRolePolicyCommand({ RoleName: "ecsTaskExecutionRole", PolicyArn: "not-an-arn" })))).toBe("InvalidInputException 400");
    expect(await err(iam.send(new AttachRolePolicyCommand({ RoleName: "ecsTaskExecutionRole", PolicyArn: "arn:aws:iam::000000000000:policy/mine" })))).toBe("NoSuchEntityException 404");
    expect(await err(iam.send(new ListAttachedRolePoliciesCommand({ RoleName: "nobody" })))).toBe("NoSuchEntityException 404");
  });
});

describe("EC2 describe calls", () => {
  it("has a default VPC with a subnet per zone and a default security group, plus configured ones", async () => {
    const vpcs = await ec2.send(new DescribeVpcsCommand({}));
    expect(vpcs.Vpcs!.map((v) => [v.VpcId, v.IsDefault, v.CidrBlock])).toEqual([
      ["vpc-0e5c10ca1de5a0001", true, "172.31.0.0/16"],
      ["vpc-0aaaaaaaaaaaaaaa1", false, "10.0.0.0/16"],
    ]);
    const defaults = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }));
    expect(defaults.Vpcs!.map((v) => v.VpcId)).toEqual(["vpc-0e5c10ca1de5a0001"]);
    const subnets = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: ["vpc-0e5c10ca1de5a0001"] }] }));
    expect(subnets.Subnets!.map((s) => [s.AvailabilityZone, s.CidrBlock, s.DefaultForAz])).toEqual([
      ["us-east-1a", "172.31.0.0/20", true],
      ["us-east-1b", "172.31.16.0/20", true],
      ["us-east-1c", "172.31.32.0/20", true],
    ]);
    const byId = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["subnet-0aaaaaaaaaaaaaaa1"] }));
    expect(byId.Subnets!.map((s) => s.VpcId)).toEqual(["vpc-0aaaaaaaaaaaaaaa1"]);
    const wildcard = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "availability-zone", Values: ["us-east-1*"] }, { Name: "vpc-id", Values: ["vpc-0aaaaaaaaaaaaaaa1"] }] }));
    expect(wildcard.Subnets).toHaveLength(1);
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: ["vpc-0aaaaaaaaaaaaaaa1"] }] }));
    expect(groups.SecurityGroups!.map((g) => [g.GroupId, g.GroupName, g.Description])).toEqual([["sg-0aaaaaaaaaaaaaaa1", "workers", "flow runs"]]);
    expect((await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ["default"] }))).SecurityGroups![0].IpPermissionsEgress![0].IpRanges).toEqual([{ CidrIp: "0.0.0.0/0" }]);
  });

  it("answers unknown IDs and filters with EC2's error codes", async () => {
    expect(await err(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["subnet-0123456789abcdef0"] })))).toBe("InvalidSubnetID.NotFound 400");
    expect(await err(ec2.send(new DescribeSubnetsCommand({ SubnetIds: ["nope"] })))).toBe("InvalidSubnetID.Malformed 400");
    expect(await err(ec2.send(new DescribeVpcsCommand({ VpcIds: ["vpc-0123456789abcdef0"] })))).toBe("InvalidVpcID.NotFound 400");
    expect(await err(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ["sg-0123456789abcdef0"] })))).toBe("InvalidGroup.NotFound 400");
    expect(await err(ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: "no-such-filter", Values: ["x"] }] })))).toBe("InvalidParameterValue 400");
    expect(await err(ec2.send(new DescribeVpcsCommand({ DryRun: true })))).toBe("DryRunOperation 412");
  });
});

describe("STS", () => {
  it("says who the caller is", async () => {
    const me = await sts.send(new GetCallerIdentityCommand({}));
    expect({ Account: me.Account, Arn: me.Arn }).toEqual({ Account: "000000000000", Arn: "arn:aws:iam::000000000000:root" });
  });
});

describe("answers", () => {
  it.skipIf(!referenceAvailable)("every response and error above matches botocore's model (skipped: ../shared/reference/aws is absent)", () => {
    expect(expectAnswersMatchModels(f.exchanges).checked).toBeGreaterThan(10);
  });
});
