import { AwsError } from "../../errors.js";
import type { EcsTag } from "../../state/ecs-local-state.js";
import type { Network } from "../ec2/network.js";

export const INVALID = "InvalidParameterException";
export const CLIENT = "ClientException";

const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** ECS tag rules: ≤ 50 tags, keys 1–128 and values 0–256 characters of letters, digits, spaces and `_.:/=+-@`, no `aws:` prefix. */
export function validateTags(tags: EcsTag[] | undefined): void {
  if (!tags) return;
  if (tags.length > 50) throw new AwsError(INVALID, `Too many tags: ${tags.length}. A resource can have at most 50 tags.`);
  const keys = new Set<string>();
  for (const t of tags) {
    if (typeof t.key !== "string" || t.key.length < 1 || t.key.length > 128 || !TAG_CHARS.test(t.key)) {
      throw new AwsError(INVALID, `The following supplied tag keys are not valid: ${JSON.stringify(t.key ?? null)}. Keys are 1–128 letters, numbers, spaces and the characters _ . : / = + - @.`);
    }
    if (t.value !== undefined && (t.value.length > 256 || !TAG_CHARS.test(t.value))) {
      throw new AwsError(INVALID, `The following supplied tag values are not valid: ${JSON.stringify(t.value)}. Values are 0–256 letters, numbers, spaces and the characters _ . : / = + - @.`);
    }
    if (t.key.toLowerCase().startsWith("aws:")) throw new AwsError(INVALID, `Tag keys beginning with 'aws:' are reserved: ${t.key}.`);
    if (keys.has(t.key)) throw new AwsError(INVALID, `Duplicate tag key: ${t.key}.`);
    keys.add(t.key);
  }
}

/** "1024", "1 vCPU", "0.5 vcpu" → CPU units. Undefined when unparseable. */
export function parseCpu(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(vcpu)?\s*$/i.exec(value);
  if (!m) return undefined;
  return m[2] ? Math.round(Number(m[1]) * 1024) : Number(m[1]);
}

/** "2048", "2 GB", "0.5GB" → MiB. Undefined when unparseable. */
export function parseMemory(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(gb)?\s*$/i.exec(value);
  if (!m) return undefined;
  return m[2] ? Math.round(Number(m[1]) * 1024) : Number(m[1]);
}

/** Fargate's published task size table (Linux). */
const FARGATE_SIZES: { cpu: number; min: number; max: number; step: number; extra?: number[] }[] = [
  { cpu: 256, min: 512, max: 512, step: 1, extra: [1024, 2048] },
  { cpu: 512, min: 1024, max: 4096, step: 1024 },
  { cpu: 1024, min: 2048, max: 8192, step: 1024 },
  { cpu: 2048, min: 4096, max: 16384, step: 1024 },
  { cpu: 4096, min: 8192, max: 30720, step: 1024 },
  { cpu: 8192, min: 16384, max: 61440, step: 4096 },
  { cpu: 16384, min: 32768, max: 122880, step: 8192 },
];

export function isFargateSize(cpu: number | undefined, memory: number | undefined): boolean {
  if (cpu === undefined || memory === undefined) return false;
  const row = FARGATE_SIZES.find((r) => r.cpu === cpu);
  if (!row) return false;
  if (row.extra?.includes(memory)) return true;
  return memory >= row.min && memory <= row.max && (memory - row.min) % row.step === 0;
}

export function checkFargateSize(cpu: string | undefined, memory: string | undefined): void {
  if (!isFargateSize(parseCpu(cpu), parseMemory(memory))) {
    throw new AwsError(CLIENT, `No Fargate configuration exists for given values: ${cpu ?? "null"} CPU, ${memory ?? "null"} memory. See the Amazon ECS documentation for the valid values.`);
  }
}

export interface AwsVpcConfiguration {
  subnets: string[];
  securityGroups?: string[];
  assignPublicIp?: string;
}

/**
 * RunTask/CreateService network checks, in AWS's order: awsvpc needs a network configuration,
 * other modes refuse one; subnets (1–16) and security groups (≤ 5) must exist, in one VPC.
 */
export function validateNetworkConfiguration(networkMode: string, config: { awsvpcConfiguration?: AwsVpcConfiguration } | undefined, network: Network): void {
  if (networkMode === "awsvpc") {
    if (!config?.awsvpcConfiguration) throw new AwsError(INVALID, "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  } else if (config) {
    throw new AwsError(INVALID, `Network Configuration is not valid for the given networkMode of this task definition.`);
  }
  const vpc = config?.awsvpcConfiguration;
  if (!vpc) return;
  if (vpc.subnets.length === 0) throw new AwsError(INVALID, "subnets can not be empty.");
  if (vpc.subnets.length > 16) throw new AwsError(INVALID, "At most 16 subnets can be specified.");
  if ((vpc.securityGroups?.length ?? 0) > 5) throw new AwsError(INVALID, "At most 5 security groups can be specified.");
  if (vpc.assignPublicIp !== undefined && vpc.assignPublicIp !== "ENABLED" && vpc.assignPublicIp !== "DISABLED") {
    throw new AwsError(INVALID, `assignPublicIp must be ENABLED or DISABLED, got ${vpc.assignPublicIp}.`);
  }
  const vpcIds = new Set<string>();
  for (const id of vpc.subnets) {
    const subnet = network.subnet(id);
    if (!subnet) throw new AwsError(INVALID, `Error retrieving subnet information for [${id}]: The subnet ID '${id}' does not exist (ErrorCode: InvalidSubnetID.NotFound)`);
    vpcIds.add(subnet.vpcId);
  }
  if (vpcIds.size > 1) throw new AwsError(INVALID, "The subnets must all belong to the same VPC.");
  for (const id of vpc.securityGroups ?? []) {
    const group = network.securityGroup(id);
    if (!group) throw new AwsError(INVALID, `Error retrieving security group information for [${id}]: The security group '${id}' does not exist (ErrorCode: InvalidGroup.NotFound)`);
    if (!vpcIds.has(group.vpcId)) throw new AwsError(INVALID, `Security group ${id} does not belong to the VPC of the subnets.`);
  }
}

export function checkStartedBy(startedBy: string | undefined): void {
  if (startedBy !== undefined && (startedBy.length > 128 || !/^[A-Za-z0-9_/-]*$/.test(startedBy))) {
    throw new AwsError(INVALID, "startedBy may contain up to 128 letters, numbers, hyphens, forward slashes and underscores.");
  }
}

export function checkGroup(group: string | undefined): void {
  if (group !== undefined && (group.length < 1 || group.length > 255)) throw new AwsError(INVALID, "group must be between 1 and 255 characters.");
}

export function checkClientToken(token: string | undefined): void {
  if (token !== undefined && (token.length < 1 || token.length > 64 || !/^[\x21-\x7e]+$/.test(token))) {
    throw new AwsError(INVALID, "clientToken must be 1–64 printable ASCII characters.");
  }
}

export function checkName(value: string, what: string): void {
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(value)) {
    throw new AwsError(INVALID, `${what} can have up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.`);
  }
}
