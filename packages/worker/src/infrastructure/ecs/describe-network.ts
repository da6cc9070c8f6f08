// EC2 describe calls behind network inference and checks: VPCs, their subnets, security groups.
// Answers are cached per client set for a few minutes (one lookup serves every run of a burst) and
// concurrent lookups of the same thing share one call.

import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import type { AwsClientSet } from "./aws-clients.js";
import { errorName, isTransientError } from "./aws-errors.js";
import { retryWithBackoff, type BackoffPolicy } from "./retry-with-backoff.js";

const POLICY: BackoffPolicy = { maxAttempts: 5, baseDelayMs: 300, maxDelayMs: 5_000, budgetMs: 30_000 };
const TTL_MS = 5 * 60_000;

export interface SubnetInfo {
  subnetId: string;
  vpcId: string;
}

export interface SecurityGroupInfo {
  groupId: string;
  vpcId: string;
}

const send = <T>(call: () => Promise<T>) => retryWithBackoff(POLICY, call, (err) => ({ retry: isTransientError(err) }));

export class NetworkDirectory {
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value as Promise<T>;
    const value = load();
    this.cache.set(key, { at: Date.now(), value });
    value.catch(() => this.cache.delete(key));
    return value;
  }

  /** The default VPC's id, or the given one if it exists; undefined when there is none. */
  vpc(clients: AwsClientSet, vpcId: string | undefined): Promise<string | undefined> {
    return this.cached(`${clients.key}|vpc|${vpcId ?? "(default)"}`, async () => {
      try {
        const out = await send(() =>
          clients.ec2.send(new DescribeVpcsCommand(vpcId ? { VpcIds: [vpcId] } : { Filters: [{ Name: "isDefault", Values: ["true"] }] })),
        );
        return out.Vpcs?.[0]?.VpcId;
      } catch (err) {
        if (errorName(err).startsWith("InvalidVpcID")) return undefined;
        throw err;
      }
    });
  }

  /** The subnets of a VPC, sorted by id. */
  subnetsOfVpc(clients: AwsClientSet, vpcId: string): Promise<SubnetInfo[]> {
    return this.cached(`${clients.key}|subnets|${vpcId}`, async () => {
      const out = await send(() => clients.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] })));
      return (out.Subnets ?? []).map((s) => ({ subnetId: s.SubnetId!, vpcId: s.VpcId! })).sort((a, b) => (a.subnetId < b.subnetId ? -1 : 1));
    });
  }

  /** The subnets among `ids` that exist (each with its VPC); unknown ids are left out. */
  async subnets(clients: AwsClientSet, ids: string[]): Promise<SubnetInfo[]> {
    const found: SubnetInfo[] = [];
    for (const id of ids) {
      const one = await this.cached(`${clients.key}|subnet|${id}`, async () => {
        try {
          const out = await send(() => clients.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] })));
          const s = out.Subnets?.[0];
          return s ? { subnetId: s.SubnetId!, vpcId: s.VpcId! } : undefined;
        } catch (err) {
          if (errorName(err).startsWith("InvalidSubnetID")) return undefined;
          throw err;
        }
      });
      if (one) found.push(one);
    }
    return found;
  }

  /** The security groups among `ids` that exist; unknown ids are left out. */
  async securityGroups(clients: AwsClientSet, ids: string[]): Promise<SecurityGroupInfo[]> {
    const found: SecurityGroupInfo[] = [];
    for (const id of ids) {
      const one = await this.cached(`${clients.key}|sg|${id}`, async () => {
        try {
          const out = await send(() => clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [id] })));
          const g = out.SecurityGroups?.[0];
          return g ? { groupId: g.GroupId!, vpcId: g.VpcId! } : undefined;
        } catch (err) {
          if (errorName(err).startsWith("InvalidGroup")) return undefined;
          throw err;
        }
      });
      if (one) found.push(one);
    }
    return found;
  }
}
