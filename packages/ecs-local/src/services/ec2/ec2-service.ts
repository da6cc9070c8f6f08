import { AwsError } from "../../errors.js";
import type { OperationContext, ServiceDefinition } from "../../protocol/service-definition.js";
import { stringList } from "../../protocol/query-params.js";
import type { Network, SecurityGroup, Subnet, Vpc } from "./network.js";

interface Filter {
  Name?: string;
  Value?: string[] | string;
}

interface DescribeInput {
  Filter?: Filter[];
  MaxResults?: string;
  NextToken?: string;
  DryRun?: string;
  [key: string]: unknown;
}

/** EC2 (the EC2 query protocol, XML answers): the describe calls that network settings are checked with. */
export function createEc2Service(network: Network): ServiceDefinition {
  return {
    name: "ec2",
    protocol: "ec2",
    xmlNamespace: "http://ec2.amazonaws.com/doc/2016-11-15/",
    errors: {
      missingParameter: { code: "MissingParameter", status: 400 },
      invalidType: { code: "InvalidParameterValue", status: 400 },
      throttling: { code: "RequestLimitExceeded", status: 503 },
      serverError: { code: "InternalError", status: 500 },
    },
    operations: {
      DescribeVpcs(input: DescribeInput, ctx: OperationContext) {
        checkCommon(input);
        const ids = stringList(input.VpcId);
        for (const id of ids) {
          if (!/^vpc-[0-9a-f]{8,17}$/.test(id)) throw new AwsError("InvalidVpcID.Malformed", `Invalid id: "${id}"`);
          if (!network.vpcs.some((v) => v.vpcId === id)) throw new AwsError("InvalidVpcID.NotFound", `The vpc ID '${id}' does not exist`);
        }
        const match = filterMatcher<Vpc>(input.Filter, {
          "vpc-id": (v) => [v.vpcId],
          "is-default": (v) => [String(v.isDefault)],
          isDefault: (v) => [String(v.isDefault)],
          "cidr-block-association.cidr-block": (v) => [v.cidrBlock],
          cidr: (v) => [v.cidrBlock],
          "cidr-block": (v) => [v.cidrBlock],
          state: () => ["available"],
          "owner-id": () => [ctx.accountId],
        });
        const vpcs = network.vpcs.filter((v) => (ids.length === 0 || ids.includes(v.vpcId)) && match(v));
        return {
          vpcSet: vpcs.map((v, i) => ({
            cidrBlock: v.cidrBlock,
            dhcpOptionsId: "dopt-0e5c10ca1de5a0001",
            state: "available",
            vpcId: v.vpcId,
            ownerId: ctx.accountId,
            instanceTenancy: "default",
            cidrBlockAssociationSet: [{ associationId: `vpc-cidr-assoc-0e5c10ca1de5a${String(i).padStart(4, "0")}`, cidrBlock: v.cidrBlock, cidrBlockState: { state: "associated" } }],
            isDefault: v.isDefault,
          })),
        };
      },

      DescribeSubnets(input: DescribeInput, ctx: OperationContext) {
        checkCommon(input);
        const ids = stringList(input.SubnetId);
        for (const id of ids) {
          if (!/^subnet-[0-9a-f]{8,17}$/.test(id)) throw new AwsError("InvalidSubnetID.Malformed", `Invalid id: "${id}"`);
          if (!network.subnet(id)) throw new AwsError("InvalidSubnetID.NotFound", `The subnet ID '${id}' does not exist`);
        }
        const match = filterMatcher<Subnet>(input.Filter, {
          "vpc-id": (s) => [s.vpcId],
          vpcId: (s) => [s.vpcId],
          "subnet-id": (s) => [s.subnetId],
          subnetId: (s) => [s.subnetId],
          "availability-zone": (s) => [s.availabilityZone],
          availabilityZone: (s) => [s.availabilityZone],
          "default-for-az": (s) => [String(s.defaultForAz)],
          defaultForAz: (s) => [String(s.defaultForAz)],
          "cidr-block": (s) => [s.cidrBlock],
          cidrBlock: (s) => [s.cidrBlock],
          state: () => ["available"],
          "owner-id": () => [ctx.accountId],
        });
        const subnets = network.subnets.filter((s) => (ids.length === 0 || ids.includes(s.subnetId)) && match(s));
        return {
          subnetSet: subnets.map((s) => ({
            availabilityZone: s.availabilityZone,
            availabilityZoneId: `${ctx.region.replace(/^(\w\w)-(\w)\w*-(\d)$/, "$1$2$3")}-az${s.availabilityZone.charCodeAt(s.availabilityZone.length - 1) - 96}`,
            availableIpAddressCount: Math.max(0, 2 ** (32 - Number(s.cidrBlock.split("/")[1] ?? 32)) - 5),
            cidrBlock: s.cidrBlock,
            defaultForAz: s.defaultForAz,
            mapPublicIpOnLaunch: s.defaultForAz,
            mapCustomerOwnedIpOnLaunch: false,
            state: "available",
            subnetId: s.subnetId,
            vpcId: s.vpcId,
            ownerId: ctx.accountId,
            assignIpv6AddressOnCreation: false,
            ipv6CidrBlockAssociationSet: [],
            subnetArn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:subnet/${s.subnetId}`,
            enableDns64: false,
            ipv6Native: false,
            privateDnsNameOptionsOnLaunch: { hostnameType: "ip-name", enableResourceNameDnsARecord: false, enableResourceNameDnsAAAARecord: false },
          })),
        };
      },

      DescribeSecurityGroups(input: DescribeInput, ctx: OperationContext) {
        checkCommon(input);
        const ids = stringList(input.GroupId);
        const names = stringList(input.GroupName);
        for (const id of ids) {
          if (!/^sg-[0-9a-f]{8,17}$/.test(id)) throw new AwsError("InvalidGroupId.Malformed", `Invalid id: "${id}" (expecting "sg-...")`);
          if (!network.securityGroup(id)) throw new AwsError("InvalidGroup.NotFound", `The security group '${id}' does not exist`);
        }
        const defaultVpc = network.defaultVpc();
        for (const name of names) {
          if (!network.securityGroups.some((g) => g.groupName === name && g.vpcId === defaultVpc?.vpcId)) {
            throw new AwsError("InvalidGroup.NotFound", `The security group '${name}' does not exist in default VPC '${defaultVpc?.vpcId ?? "none"}'`);
          }
        }
        const match = filterMatcher<SecurityGroup>(input.Filter, {
          "vpc-id": (g) => [g.vpcId],
          "group-id": (g) => [g.groupId],
          "group-name": (g) => [g.groupName],
          description: (g) => [g.description ?? ""],
          "owner-id": () => [ctx.accountId],
        });
        const groups = network.securityGroups.filter(
          (g) => (ids.length === 0 || ids.includes(g.groupId)) && (names.length === 0 || (names.includes(g.groupName) && g.vpcId === defaultVpc?.vpcId)) && match(g),
        );
        return {
          securityGroupInfo: groups.map((g) => ({
            groupDescription: g.description ?? g.groupName,
            groupName: g.groupName,
            ipPermissions: [],
            ownerId: ctx.accountId,
            groupId: g.groupId,
            ipPermissionsEgress: [{ ipProtocol: "-1", ipRanges: [{ cidrIp: "0.0.0.0/0" }], ipv6Ranges: [], prefixListIds: [], groups: [] }],
            vpcId: g.vpcId,
          })),
        };
      },
    },
  };
}

function checkCommon(input: DescribeInput): void {
  if (input.MaxResults !== undefined) {
    const n = Number(input.MaxResults);
    if (!Number.isInteger(n) || n < 5 || n > 1000) throw new AwsError("InvalidParameterValue", `Value ( ${input.MaxResults} ) for parameter maxResults is invalid. Expecting a value greater than 5.`);
  }
  if (input.DryRun === "true") throw new AwsError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412);
}

/** EC2 filters: every named filter must match (values OR-ed, `*` and `?` as wildcards). */
function filterMatcher<T>(filters: Filter[] | undefined, fields: Record<string, (item: T) => string[]>): (item: T) => boolean {
  const compiled = (filters ?? []).map((f) => {
    if (!f || typeof f !== "object" || !f.Name) throw new AwsError("InvalidParameterValue", "The filter 'null' is invalid");
    const field = fields[f.Name];
    if (!field && !f.Name.startsWith("tag:") && f.Name !== "tag-key") throw new AwsError("InvalidParameterValue", `The filter '${f.Name}' is invalid`);
    const patterns = stringList(f.Value).map((v) => new RegExp(`^${v.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`));
    // Nothing here carries tags, so tag filters match nothing.
    return (item: T) => (field ? field(item).some((value) => patterns.some((p) => p.test(value))) : false);
  });
  return (item) => compiled.every((f) => f(item));
}
