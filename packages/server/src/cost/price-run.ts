import type { RunUsage } from "@ecsflow/schemas";
import { EC2_PRICES, FARGATE_MINIMUM_SECONDS, FARGATE_PRICES, PRICES_SOURCE, type FargateRate } from "./prices.js";

export interface PricedRun {
  /** Seconds billed (Fargate: rounded up, at least a minute); null without both timestamps. */
  billedSeconds: number | null;
  costUsd: number | null;
  /** How it was priced, or why it could not be. */
  pricing: string;
}

const MIB_PER_GB = 1024;
const CPU_UNITS_PER_VCPU = 1024;

function durationMs(from: string | null | undefined, to: string | null | undefined): number | null {
  if (!from || !to) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) ? Math.max(0, ms) : null;
}

function fargateRate(usage: RunUsage, spot: boolean): FargateRate | undefined {
  const region = FARGATE_PRICES[usage.region ?? ""];
  const architecture = usage.cpu_architecture === "arm64" ? "arm64" : "x86_64";
  return spot ? region?.spot?.[architecture] : region?.[architecture];
}

/**
 * The cost of one ECS task from what DescribeTasks said about it and the prices table.
 * Fargate (and Fargate Spot): vCPU-seconds and GB-seconds at the Region's rates, billed from the
 * image pull's start (else the task's start) to its stop, rounded up to the second, one minute at
 * least. EC2: the task's share of its instance's hourly price, for as long as it ran: the mean of
 * its cpu and memory over what the instance registered with ECS (DescribeContainerInstances).
 */
export function priceRun(usage: RunUsage): PricedRun {
  const launch = usage.launch_type.toUpperCase();
  const spot = usage.capacity_provider === "FARGATE_SPOT" || launch === "FARGATE_SPOT";
  if (launch === "FARGATE" || launch === "FARGATE_SPOT") {
    const ms = durationMs(usage.pull_started_at ?? usage.started_at, usage.stopped_at);
    const billedSeconds = ms === null ? null : Math.max(FARGATE_MINIMUM_SECONDS, Math.ceil(ms / 1000));
    const kind = spot ? "Fargate Spot" : "Fargate";
    if (billedSeconds === null) return { billedSeconds, costUsd: null, pricing: `${kind}: the task never started, so nothing was billed.` };
    if (!usage.cpu || !usage.memory) return { billedSeconds, costUsd: null, pricing: `${kind}: the task's cpu or memory is unknown.` };
    const rate = fargateRate(usage, spot);
    const architecture = usage.cpu_architecture === "arm64" ? "arm64" : "x86_64";
    if (!rate) return { billedSeconds, costUsd: null, pricing: `${kind}: no ${architecture} price for Region ${usage.region ?? "(unknown)"} in the prices table.` };
    const vcpu = usage.cpu / CPU_UNITS_PER_VCPU;
    const gb = usage.memory / MIB_PER_GB;
    const costUsd = (billedSeconds / 3600) * (vcpu * rate.vcpuHour + gb * rate.gbHour);
    return {
      billedSeconds,
      costUsd,
      pricing: `${kind} ${usage.region} ${architecture}: ${vcpu} vCPU × $${rate.vcpuHour}/h + ${gb} GB × $${rate.gbHour}/h for ${billedSeconds} s (${PRICES_SOURCE.fargate}, checked ${PRICES_SOURCE.checked}).`,
    };
  }
  if (launch === "EC2") {
    const ms = durationMs(usage.started_at, usage.stopped_at);
    const billedSeconds = ms === null ? null : ms / 1000;
    if (billedSeconds === null) return { billedSeconds, costUsd: null, pricing: "EC2: the task never started." };
    if (!usage.instance_type) return { billedSeconds, costUsd: null, pricing: "EC2: the container instance's type is unknown (DescribeContainerInstances did not say)." };
    const instance = EC2_PRICES[usage.region ?? ""]?.[usage.instance_type];
    if (!instance) return { billedSeconds, costUsd: null, pricing: `EC2: no price for ${usage.instance_type} in Region ${usage.region ?? "(unknown)"} in the prices table.` };
    if (!usage.cpu && !usage.memory) return { billedSeconds, costUsd: null, pricing: "EC2: the task reserved no cpu or memory, so its share of the instance is unknown." };
    // The whole the task's share is of: what the instance registered with ECS (the agent keeps
    // some memory back), else the instance type's full size from the prices table.
    const registered = usage.instance_cpu && usage.instance_memory;
    const instanceCpu = registered ? usage.instance_cpu! : instance.vcpu * CPU_UNITS_PER_VCPU;
    const instanceMemory = registered ? usage.instance_memory! : instance.memoryGib * MIB_PER_GB;
    const cpuShare = Math.min(1, (usage.cpu ?? 0) / instanceCpu);
    const memoryShare = Math.min(1, (usage.memory ?? 0) / instanceMemory);
    const share = (cpuShare + memoryShare) / 2;
    const costUsd = (billedSeconds / 3600) * instance.hourly * share;
    const of = `${usage.cpu ?? 0}/${instanceCpu} cpu units, ${usage.memory ?? 0}/${instanceMemory} MiB ${registered ? "registered" : "of the instance type (registered resources unknown)"}`;
    return {
      billedSeconds,
      costUsd,
      pricing: `EC2 ${usage.instance_type} ${usage.region}: ${(share * 100).toFixed(2)}% (mean of ${of}) of $${instance.hourly}/h for ${billedSeconds} s (${PRICES_SOURCE.ec2}, checked ${PRICES_SOURCE.checked}).`,
    };
  }
  return { billedSeconds: null, costUsd: null, pricing: `Launch type ${usage.launch_type} has no price (only FARGATE, FARGATE_SPOT and EC2 are priced).` };
}
