import { randomBytes, randomUUID } from "node:crypto";
import { AwsError } from "../../errors.js";
import { newTaskId } from "../../ids.js";
import type { OperationContext } from "../../protocol/service-definition.js";
import type { CapacityProviderStrategyItem, ClusterRecord, EcsTag, TaskDefinitionRecord, TaskRecord } from "../../state/ecs-local-state.js";
import { activeCluster } from "./clusters.js";
import type { EcsContext } from "./ecs-context.js";
import {
  CLIENT,
  INVALID,
  checkClientToken,
  checkFargateSize,
  checkGroup,
  checkStartedBy,
  parseCpu,
  parseMemory,
  validateNetworkConfiguration,
  validateTags,
  type AwsVpcConfiguration,
} from "./ecs-validation.js";
import { containerInstanceArn, taskView } from "./ecs-views.js";
import { runnableTaskDefinition } from "./task-definitions.js";

const MAX_OVERRIDES_CHARS = 8192;

export interface Placement {
  launchType: "EC2" | "FARGATE" | "EXTERNAL";
  capacityProviderName?: string;
}

export interface LaunchRequest {
  cluster: ClusterRecord;
  td: TaskDefinitionRecord;
  count: number;
  placement: Placement;
  networkConfiguration?: { awsvpcConfiguration?: AwsVpcConfiguration };
  overrides?: Record<string, any>;
  group?: string;
  startedBy?: string;
  tags: EcsTag[];
  clientToken?: string;
  serviceArn?: string;
  deploymentId?: string;
  now: number;
}

export interface Failure {
  arn?: string;
  reason?: string;
  detail?: string;
}

/**
 * Where tasks run, decided as ECS decides: an explicit launch type; else the capacity provider
 * strategy (which must name providers attached to the cluster); else the cluster's default
 * strategy; else EC2. Both a launch type and a strategy is an error.
 */
export function resolvePlacement(cluster: ClusterRecord, launchType: string | undefined, strategy: CapacityProviderStrategyItem[] | undefined): Placement {
  if (launchType !== undefined && strategy !== undefined && strategy.length > 0) {
    throw new AwsError(INVALID, "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.");
  }
  if (launchType !== undefined) {
    if (launchType !== "EC2" && launchType !== "FARGATE" && launchType !== "EXTERNAL") {
      throw new AwsError(INVALID, `1 validation error detected: Value '${launchType}' at 'launchType' failed to satisfy constraint: Member must satisfy enum value set: [EC2, FARGATE, EXTERNAL]`);
    }
    return { launchType };
  }
  const chosen = strategy !== undefined && strategy.length > 0 ? strategy : cluster.defaultCapacityProviderStrategy;
  if (chosen.length === 0) return { launchType: "EC2" };
  if (chosen.length > 20) throw new AwsError(INVALID, "The capacity provider strategy can contain at most 20 providers.");
  for (const item of chosen) {
    if (!cluster.capacityProviders.includes(item.capacityProvider)) {
      throw new AwsError(
        INVALID,
        "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.",
      );
    }
    if (item.weight !== undefined && (item.weight < 0 || item.weight > 1000)) throw new AwsError(INVALID, "Capacity provider weight must be between 0 and 1000.");
    if (item.base !== undefined && (item.base < 0 || item.base > 100000)) throw new AwsError(INVALID, "Capacity provider base must be between 0 and 100000.");
  }
  if (chosen.filter((i) => (i.base ?? 0) > 0).length > 1) throw new AwsError(INVALID, "Only one capacity provider in a strategy can have a base defined.");
  // Base first, then by weight: ecs-local places every task on the first provider that would get one.
  const first = chosen.find((i) => (i.base ?? 0) > 0) ?? chosen.find((i) => (i.weight ?? 0) > 0) ?? chosen[0];
  return { launchType: "FARGATE", capacityProviderName: first.capacityProvider };
}

/** Checks that apply to both RunTask and CreateService/UpdateService. */
export function validateLaunch(ctx: EcsContext, td: TaskDefinitionRecord, placement: Placement, networkConfiguration: { awsvpcConfiguration?: AwsVpcConfiguration } | undefined): void {
  if (placement.launchType === "FARGATE" && !(td.definition.compatibilities as string[]).includes("FARGATE")) {
    throw new AwsError(INVALID, "Task definition does not support launch_type FARGATE.");
  }
  if (placement.launchType === "EXTERNAL") throw new AwsError(INVALID, "No Container Instances were found in your cluster (ecs-local has no EXTERNAL instances).");
  validateNetworkConfiguration(td.definition.networkMode as string, networkConfiguration, ctx.network);
}

/** Creates the tasks (in PROVISIONING) and hands them to the runtime; capacity shortfalls become failures. */
export function launchTasks(ctx: EcsContext, req: LaunchRequest): { tasks: TaskRecord[]; failures: Failure[] } {
  const tasks: TaskRecord[] = [];
  const failures: Failure[] = [];
  const defs = req.td.definition.containerDefinitions as Record<string, any>[];
  const overrides = req.overrides ?? {};
  const containerOverrides = (overrides.containerOverrides ?? []) as Record<string, any>[];
  const taskCpu = overrides.cpu ?? req.td.definition.cpu;
  const taskMemory = overrides.memory ?? req.td.definition.memory;
  const reservedCpu = parseCpu(taskCpu) ?? defs.reduce((n, d) => n + (d.cpu ?? 0), 0);
  const reservedMemory = parseMemory(taskMemory) ?? defs.reduce((n, d) => n + (d.memory ?? d.memoryReservation ?? 0), 0);
  const clusterName = req.cluster.name;
  const subnets = req.networkConfiguration?.awsvpcConfiguration?.subnets ?? [];
  for (let i = 0; i < req.count; i++) {
    if (req.placement.launchType === "EC2" && ctx.options.capacity) {
      const used = Object.values(ctx.state.data.tasks)
        .filter((t) => t.clusterArn === req.cluster.arn && t.launchType === "EC2" && t.lastStatus !== "STOPPED")
        .reduce((acc, t) => ({ cpu: acc.cpu + t.reservedCpu, memory: acc.memory + t.reservedMemory }), { cpu: 0, memory: 0 });
      const reason = used.cpu + reservedCpu > ctx.options.capacity.cpu ? "RESOURCE:CPU" : used.memory + reservedMemory > ctx.options.capacity.memory ? "RESOURCE:MEMORY" : undefined;
      if (reason) {
        failures.push({ arn: containerInstanceArn(ctx, clusterName), reason });
        continue;
      }
    }
    const id = newTaskId();
    const arn = ctx.arns.task(clusterName, id);
    const subnetId = subnets.length > 0 ? subnets[i % subnets.length] : undefined;
    const subnet = subnetId ? ctx.network.subnet(subnetId) : undefined;
    const attachments = subnet ? [eniAttachment(subnet.subnetId, subnet.cidrBlock)] : [];
    const task: TaskRecord = {
      id,
      arn,
      clusterArn: req.cluster.arn,
      taskDefinitionArn: req.td.arn,
      family: req.td.family,
      lastStatus: "PROVISIONING",
      desiredStatus: "RUNNING",
      launchType: req.placement.launchType,
      capacityProviderName: req.placement.capacityProviderName,
      platformVersion: req.placement.launchType === "FARGATE" ? "1.4.0" : undefined,
      cpu: taskCpu === undefined ? undefined : String(parseCpu(taskCpu) ?? taskCpu),
      memory: taskMemory === undefined ? undefined : String(parseMemory(taskMemory) ?? taskMemory),
      reservedCpu,
      reservedMemory,
      group: req.group ?? `family:${req.td.family}`,
      startedBy: req.startedBy,
      tags: req.tags,
      overrides: {
        ...overrides,
        containerOverrides: defs.map((d) => containerOverrides.find((o) => o.name === d.name) ?? { name: d.name }),
        inferenceAcceleratorOverrides: overrides.inferenceAcceleratorOverrides ?? [],
      },
      networkConfiguration: req.networkConfiguration,
      attachments,
      availabilityZone: subnet?.availabilityZone ?? `${ctx.options.region}a`,
      createdAt: req.now,
      containers: defs.map((d) => ({
        name: d.name,
        containerArn: ctx.arns.container(clusterName, randomUUID()),
        image: d.image,
        essential: d.essential !== false,
        lastStatus: "PENDING",
        cpu: String(d.cpu ?? 0),
        memory: d.memory === undefined ? undefined : String(d.memory),
        memoryReservation: d.memoryReservation === undefined ? undefined : String(d.memoryReservation),
      })),
      version: 1,
      clientToken: req.clientToken,
      serviceArn: req.serviceArn,
      deploymentId: req.deploymentId,
      history: [],
    };
    ctx.state.data.tasks[arn] = task;
    tasks.push(task);
  }
  ctx.counters.launched(tasks.length, req.clientToken);
  ctx.state.markChanged();
  for (const task of tasks) ctx.runtime.launch(task, req.td);
  return { tasks, failures };
}

function eniAttachment(subnetId: string, cidr: string): Record<string, any> {
  const base = cidr.split("/")[0].split(".").map(Number);
  const ip = `${base[0]}.${base[1]}.${base[2] + (randomBytes(1)[0] % 15)}.${1 + (randomBytes(1)[0] % 250)}`;
  const hex = randomBytes(6).toString("hex");
  return {
    id: randomUUID(),
    type: "ElasticNetworkInterface",
    status: "PRECREATED",
    details: [
      { name: "subnetId", value: subnetId },
      { name: "networkInterfaceId", value: `eni-0${randomBytes(8).toString("hex").slice(0, 16)}` },
      { name: "macAddress", value: hex.match(/../g)!.join(":") },
      { name: "privateDNSName", value: `ip-${ip.replace(/\./g, "-")}.ec2.internal` },
      { name: "privateIPv4Address", value: ip },
    ],
  };
}

/** JSON with sorted keys, so equal requests compare equal whatever the member order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

export function runTaskOperation(ctx: EcsContext) {
  return function RunTask(input: Record<string, any>, op: OperationContext) {
    const cluster = activeCluster(ctx, input.cluster);
    checkClientToken(input.clientToken);
    // Idempotency first: a repeated request must not be refused by limits or capacity it already used.
    if (input.clientToken !== undefined) {
      const { clientToken: _token, ...rest } = input;
      const key = `${cluster.arn}|${input.clientToken}`;
      const hash = canonical(rest);
      const seen = ctx.state.data.clientTokens[key];
      if (seen) {
        if (seen.requestHash !== hash) {
          throw new AwsError("ConflictException", "The specified client token has already been used in a RunTask request with different parameters.", 400, { resourceIds: seen.taskArns });
        }
        const tasks = seen.taskArns.map((arn) => ctx.state.data.tasks[arn]).filter((t): t is TaskRecord => !!t);
        return { tasks: tasks.map((t) => taskView(ctx, t, true)), failures: seen.failures };
      }
    }
    const count = input.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 10) throw new AwsError(INVALID, "count must be between 1 and 10.");
    checkStartedBy(input.startedBy);
    checkGroup(input.group);
    validateTags(input.tags);
    if (input.propagateTags !== undefined && !["TASK_DEFINITION", "SERVICE", "NONE"].includes(input.propagateTags)) {
      throw new AwsError(INVALID, `1 validation error detected: Value '${input.propagateTags}' at 'propagateTags' failed to satisfy constraint: Member must satisfy enum value set: [TASK_DEFINITION, SERVICE, NONE]`);
    }
    if (input.propagateTags === "SERVICE") throw new AwsError(INVALID, "The SERVICE value for propagateTags is only valid for tasks started by a service.");
    if (input.overrides !== undefined && JSON.stringify(input.overrides).length > MAX_OVERRIDES_CHARS) {
      throw new AwsError(INVALID, `Container Overrides length must be at most ${MAX_OVERRIDES_CHARS}`);
    }
    const td = runnableTaskDefinition(ctx, input.taskDefinition);
    const placement = resolvePlacement(cluster, input.launchType, input.capacityProviderStrategy);
    validateLaunch(ctx, td, placement, input.networkConfiguration);
    const containerNames = new Set((td.definition.containerDefinitions as { name: string }[]).map((c) => c.name));
    for (const o of (input.overrides?.containerOverrides ?? []) as { name?: string }[]) {
      if (!o.name || !containerNames.has(o.name)) throw new AwsError(INVALID, `Override for container named ${o.name ?? "null"} is not a container in the TaskDefinition.`);
    }
    if (placement.launchType === "FARGATE" && (input.overrides?.cpu !== undefined || input.overrides?.memory !== undefined)) {
      checkFargateSize(input.overrides?.cpu ?? td.definition.cpu, input.overrides?.memory ?? td.definition.memory);
    }
    if (input.overrides?.cpu !== undefined && parseCpu(input.overrides.cpu) === undefined) throw new AwsError(CLIENT, `Invalid 'cpu' override: ${input.overrides.cpu}.`);
    if (input.overrides?.memory !== undefined && parseMemory(input.overrides.memory) === undefined) throw new AwsError(CLIENT, `Invalid 'memory' override: ${input.overrides.memory}.`);
    if (placement.launchType === "FARGATE") ctx.limits.take("fargateLaunches", count, { code: "ThrottlingException", status: 400 });

    const tags: EcsTag[] = [...(input.tags ?? [])];
    if (input.propagateTags === "TASK_DEFINITION") for (const t of td.tags) if (!tags.some((x) => x.key === t.key)) tags.push(t);
    const { tasks, failures } = launchTasks(ctx, {
      cluster,
      td,
      count,
      placement,
      networkConfiguration: input.networkConfiguration,
      overrides: input.overrides,
      group: input.group,
      startedBy: input.startedBy,
      tags,
      clientToken: input.clientToken,
      now: op.now,
    });
    if (input.clientToken !== undefined) {
      const { clientToken: _token, ...rest } = input;
      ctx.state.data.clientTokens[`${cluster.arn}|${input.clientToken}`] = {
        clusterArn: cluster.arn,
        token: input.clientToken,
        requestHash: canonical(rest),
        taskArns: tasks.map((t) => t.arn),
        failures,
        createdAt: op.now,
      };
      ctx.state.markChanged();
    }
    return { tasks: tasks.map((t) => taskView(ctx, t, true)), failures };
  };
}
