import type { SecurityGroupConfig, SubnetConfig, VpcConfig } from "../../options.js";

export interface Subnet extends SubnetConfig {
  vpcId: string;
  defaultForAz: boolean;
}

export interface SecurityGroup extends SecurityGroupConfig {
  vpcId: string;
}

export interface Vpc {
  vpcId: string;
  cidrBlock: string;
  isDefault: boolean;
}

/**
 * The VPCs, subnets and security groups ecs-local pretends exist: a default VPC shaped like the one
 * AWS gives every account (172.31.0.0/16, one /20 subnet per zone, a `default` security group),
 * plus any from the options. RunTask checks subnets and security groups against these.
 */
export class Network {
  readonly vpcs: Vpc[] = [];
  readonly subnets: Subnet[] = [];
  readonly securityGroups: SecurityGroup[] = [];

  constructor(
    region: string,
    extra: VpcConfig[],
  ) {
    const defaultVpc: VpcConfig = {
      vpcId: "vpc-0e5c10ca1de5a0001",
      cidrBlock: "172.31.0.0/16",
      isDefault: true,
      subnets: ["a", "b", "c"].map((zone, i) => ({ subnetId: `subnet-0e5c10ca1de5a000${zone}`, cidrBlock: `172.31.${i * 16}.0/20`, availabilityZone: `${region}${zone}` })),
      securityGroups: [{ groupId: "sg-0e5c10ca1de5a0001", groupName: "default", description: "default VPC security group" }],
    };
    for (const vpc of [defaultVpc, ...extra]) this.add(vpc);
  }

  private add(vpc: VpcConfig): void {
    const isDefault = vpc.isDefault ?? false;
    this.vpcs.push({ vpcId: vpc.vpcId, cidrBlock: vpc.cidrBlock, isDefault });
    for (const s of vpc.subnets ?? []) this.subnets.push({ ...s, vpcId: vpc.vpcId, defaultForAz: isDefault });
    for (const g of vpc.securityGroups ?? []) this.securityGroups.push({ ...g, vpcId: vpc.vpcId });
  }

  defaultVpc(): Vpc | undefined {
    return this.vpcs.find((v) => v.isDefault);
  }

  subnet(id: string): Subnet | undefined {
    return this.subnets.find((s) => s.subnetId === id);
  }

  securityGroup(id: string): SecurityGroup | undefined {
    return this.securityGroups.find((g) => g.groupId === id);
  }
}
