// RunTask's networkConfiguration, decided and checked before RunTask so that a bad subnet is
// explained in words instead of failing at AWS (DESIGN.md lesson 6). As Prefect's worker:
// - only the awsvpc network mode takes one (others get none; a configured one is ignored with a warning);
// - `network_configuration` (custom) is used as given once checked: with `vpc_id`, every subnet must
//   be one of that VPC's; without it (Prefect demands vpc_id; ecsflow infers it), the subnets must
//   exist and share one VPC; security groups must exist in that VPC;
// - else one in the task run request template is kept;
// - else it is inferred: every subnet of `vpc_id`'s VPC (or the default VPC), at most 16 (AWS's
//   limit), a public IP assigned.

import { SubmissionError } from "../../errors.js";
import type { AwsClientSet } from "./aws-clients.js";
import type { NetworkDirectory } from "./describe-network.js";

export interface AwsVpcConfiguration {
  subnets: string[];
  securityGroups?: string[];
  assignPublicIp?: "ENABLED" | "DISABLED";
}

export interface NetworkConfiguration {
  awsvpcConfiguration: AwsVpcConfiguration;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const MAX_SUBNETS = 16;
const MAX_SECURITY_GROUPS = 5;

function stringList(value: unknown, what: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string" && v !== "")) {
    throw new SubmissionError(`network_configuration.${what} must be a list of ids, got ${JSON.stringify(value)}.`);
  }
  return value as string[];
}

/** `network_configuration` as an awsvpcConfiguration (it may be given bare or wrapped). */
export function readCustomNetworkConfiguration(value: Record<string, unknown>): AwsVpcConfiguration {
  const inner = isObject(value.awsvpcConfiguration) ? value.awsvpcConfiguration : value;
  const subnets = stringList(inner.subnets, "subnets");
  const securityGroups = stringList(inner.securityGroups, "securityGroups");
  const assignPublicIp = inner.assignPublicIp;
  if (subnets.length === 0) throw new SubmissionError("network_configuration.subnets is empty; name at least one subnet, or remove network_configuration to use every subnet of the VPC.");
  if (subnets.length > MAX_SUBNETS) throw new SubmissionError(`network_configuration names ${subnets.length} subnets; ECS accepts at most ${MAX_SUBNETS}.`);
  if (securityGroups.length > MAX_SECURITY_GROUPS) throw new SubmissionError(`network_configuration names ${securityGroups.length} security groups; ECS accepts at most ${MAX_SECURITY_GROUPS}.`);
  if (assignPublicIp !== undefined && assignPublicIp !== null && assignPublicIp !== "ENABLED" && assignPublicIp !== "DISABLED") {
    throw new SubmissionError(`network_configuration.assignPublicIp must be ENABLED or DISABLED, got ${JSON.stringify(assignPublicIp)}.`);
  }
  const out: AwsVpcConfiguration = { subnets };
  if (securityGroups.length > 0) out.securityGroups = securityGroups;
  if (assignPublicIp) out.assignPublicIp = assignPublicIp as "ENABLED" | "DISABLED";
  return out;
}

export interface NetworkInput {
  networkMode: string;
  vpcId?: string;
  custom?: Record<string, unknown>;
  /** A networkConfiguration already in the rendered task run request. */
  fromRequest?: unknown;
  warn: (message: string) => void;
}

export async function resolveNetworkConfiguration(directory: NetworkDirectory, clients: AwsClientSet, input: NetworkInput): Promise<NetworkConfiguration | undefined> {
  if (input.networkMode !== "awsvpc") {
    if (input.custom || input.fromRequest) {
      input.warn(`network_configuration is ignored: the task definition's network mode is ${input.networkMode}, and only awsvpc takes a network configuration.`);
    }
    return undefined;
  }
  if (input.custom) return { awsvpcConfiguration: await checkCustom(directory, clients, readCustomNetworkConfiguration(input.custom), input.vpcId) };
  if (isObject(input.fromRequest) && isObject(input.fromRequest.awsvpcConfiguration)) return input.fromRequest as unknown as NetworkConfiguration;
  return { awsvpcConfiguration: await infer(directory, clients, input.vpcId) };
}

async function infer(directory: NetworkDirectory, clients: AwsClientSet, vpcId: string | undefined): Promise<AwsVpcConfiguration> {
  const which = vpcId ? `the VPC with ID ${vpcId}` : "the default VPC";
  const vpc = await directory.vpc(clients, vpcId);
  if (!vpc) {
    throw new SubmissionError(
      `Failed to find ${which}. Network configuration cannot be inferred. ${vpcId ? "Check that the VPC exists in the worker's Region." : "Pass an explicit vpc_id, set network_configuration, or create a default VPC."}`,
    );
  }
  const subnets = await directory.subnetsOfVpc(clients, vpc);
  if (subnets.length === 0) throw new SubmissionError(`Failed to find subnets for ${which}. Network configuration cannot be inferred; add subnets to the VPC or set network_configuration.`);
  return { subnets: subnets.slice(0, MAX_SUBNETS).map((s) => s.subnetId), assignPublicIp: "ENABLED" };
}

async function checkCustom(directory: NetworkDirectory, clients: AwsClientSet, custom: AwsVpcConfiguration, vpcId: string | undefined): Promise<AwsVpcConfiguration> {
  let vpc: string;
  if (vpcId) {
    const found = await directory.vpc(clients, vpcId);
    if (!found) throw new SubmissionError(`Failed to find the VPC with ID ${vpcId} (vpc_id). Check that it exists in the worker's Region.`);
    vpc = found;
    const inVpc = new Set((await directory.subnetsOfVpc(clients, vpc)).map((s) => s.subnetId));
    const outside = custom.subnets.filter((s) => !inVpc.has(s));
    if (outside.length > 0) {
      throw new SubmissionError(
        `Subnets ${JSON.stringify(custom.subnets)} not found within VPC with ID ${vpc}: ${outside.join(", ")} ${outside.length === 1 ? "is" : "are"} not in it. Use subnets of that VPC (${[...inVpc].join(", ") || "it has none"}) or change vpc_id.`,
      );
    }
  } else {
    const found = await directory.subnets(clients, custom.subnets);
    const unknown = custom.subnets.filter((id) => !found.some((s) => s.subnetId === id));
    if (unknown.length > 0) throw new SubmissionError(`The subnets ${unknown.join(", ")} in network_configuration do not exist in the worker's Region.`);
    const vpcs = [...new Set(found.map((s) => s.vpcId))];
    if (vpcs.length > 1) throw new SubmissionError(`The subnets in network_configuration belong to different VPCs (${vpcs.join(", ")}); a task's subnets must share one VPC.`);
    vpc = vpcs[0];
  }
  if (custom.securityGroups?.length) {
    const groups = await directory.securityGroups(clients, custom.securityGroups);
    const unknown = custom.securityGroups.filter((id) => !groups.some((g) => g.groupId === id));
    if (unknown.length > 0) throw new SubmissionError(`The security groups ${unknown.join(", ")} in network_configuration do not exist in the worker's Region.`);
    const elsewhere = groups.filter((g) => g.vpcId !== vpc);
    if (elsewhere.length > 0) throw new SubmissionError(`The security groups ${elsewhere.map((g) => `${g.groupId} (in ${g.vpcId})`).join(", ")} are not in the subnets' VPC ${vpc}.`);
  }
  return custom;
}
