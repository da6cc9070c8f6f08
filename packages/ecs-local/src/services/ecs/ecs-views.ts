import { epochSeconds } from "../../protocol/input-checks.js";
import type { ClusterRecord, ServiceRecord, TaskDefinitionRecord, TaskRecord } from "../../state/ecs-local-state.js";
import type { EcsContext } from "./ecs-context.js";

/** Records → the shapes ECS answers with (JSON, timestamps in epoch seconds). */

export function clusterView(ctx: EcsContext, c: ClusterRecord, include: string[] = ["SETTINGS", "CONFIGURATIONS", "TAGS"]): Record<string, unknown> {
  const tasks = Object.values(ctx.state.data.tasks).filter((t) => t.clusterArn === c.arn);
  return {
    clusterArn: c.arn,
    clusterName: c.name,
    configuration: include.includes("CONFIGURATIONS") ? c.configuration : undefined,
    status: c.status,
    registeredContainerInstancesCount: 0,
    runningTasksCount: tasks.filter((t) => t.lastStatus === "RUNNING").length,
    pendingTasksCount: tasks.filter((t) => t.lastStatus === "PROVISIONING" || t.lastStatus === "PENDING" || t.lastStatus === "ACTIVATING").length,
    activeServicesCount: Object.values(ctx.state.data.services).filter((s) => s.clusterArn === c.arn && s.status === "ACTIVE").length,
    statistics: [],
    tags: include.includes("TAGS") ? c.tags : undefined,
    settings: include.includes("SETTINGS") ? c.settings : undefined,
    capacityProviders: c.capacityProviders,
    defaultCapacityProviderStrategy: c.defaultCapacityProviderStrategy,
  };
}

export function taskDefinitionView(td: TaskDefinitionRecord): Record<string, unknown> {
  return {
    ...td.definition,
    taskDefinitionArn: td.arn,
    family: td.family,
    revision: td.revision,
    status: td.status,
    registeredAt: epochSeconds(td.registeredAt),
    deregisteredAt: epochSeconds(td.deregisteredAt),
    registeredBy: td.registeredBy,
  };
}

export function taskView(ctx: EcsContext, t: TaskRecord, includeTags: boolean): Record<string, unknown> {
  const clusterName = t.clusterArn.slice(t.clusterArn.lastIndexOf("/") + 1);
  const fargate = t.launchType === "FARGATE";
  return {
    attachments: t.attachments,
    attributes: [{ name: "ecs.cpu-architecture", value: "x86_64" }, ...ctx.runtime.attributes()],
    availabilityZone: t.availabilityZone,
    capacityProviderName: t.capacityProviderName,
    clusterArn: t.clusterArn,
    connectivity: t.connectivityAt !== undefined ? "CONNECTED" : undefined,
    connectivityAt: epochSeconds(t.connectivityAt),
    containerInstanceArn: fargate ? undefined : containerInstanceArn(ctx, clusterName),
    containers: t.containers.map((c) => ({
      containerArn: c.containerArn,
      taskArn: t.arn,
      name: c.name,
      image: c.image,
      runtimeId: c.runtimeId,
      lastStatus: c.lastStatus,
      exitCode: c.exitCode,
      reason: c.reason,
      networkBindings: [],
      networkInterfaces: networkInterfaces(t),
      healthStatus: "UNKNOWN",
      cpu: c.cpu,
      memory: c.memory,
      memoryReservation: c.memoryReservation,
    })),
    cpu: t.cpu,
    createdAt: epochSeconds(t.createdAt),
    desiredStatus: t.desiredStatus,
    enableExecuteCommand: false,
    executionStoppedAt: epochSeconds(t.executionStoppedAt),
    group: t.group,
    healthStatus: "UNKNOWN",
    inferenceAccelerators: [],
    lastStatus: t.lastStatus,
    launchType: t.launchType,
    memory: t.memory,
    overrides: t.overrides,
    platformVersion: t.platformVersion,
    platformFamily: fargate ? "Linux" : undefined,
    pullStartedAt: epochSeconds(t.pullStartedAt),
    pullStoppedAt: epochSeconds(t.pullStoppedAt),
    startedAt: epochSeconds(t.startedAt),
    startedBy: t.startedBy,
    stopCode: t.stopCode,
    stoppedAt: epochSeconds(t.stoppedAt),
    stoppedReason: t.stoppedReason,
    stoppingAt: epochSeconds(t.stoppingAt),
    tags: includeTags ? t.tags : undefined,
    taskArn: t.arn,
    taskDefinitionArn: t.taskDefinitionArn,
    version: t.version,
    ephemeralStorage: fargate ? { sizeInGiB: 20 } : undefined,
  };
}

function networkInterfaces(t: TaskRecord): Record<string, unknown>[] {
  return t.attachments
    .filter((a) => a.type === "ElasticNetworkInterface")
    .map((a) => ({ attachmentId: a.id, privateIpv4Address: (a.details as { name: string; value: string }[]).find((d) => d.name === "privateIPv4Address")?.value }));
}

/** ecs-local simulates one container instance per cluster for the EC2 launch type. */
export function containerInstanceArn(ctx: EcsContext, clusterName: string): string {
  return `arn:aws:ecs:${ctx.options.region}:${ctx.options.accountId}:container-instance/${clusterName}/0e5c10ca1de5a0000000000000000001`;
}

export function serviceView(ctx: EcsContext, s: ServiceRecord, includeTags: boolean): Record<string, unknown> {
  const tasks = Object.values(ctx.state.data.tasks).filter((t) => t.serviceArn === s.arn && t.desiredStatus === "RUNNING");
  const running = (list: TaskRecord[]) => list.filter((t) => t.lastStatus === "RUNNING").length;
  const pending = (list: TaskRecord[]) => list.filter((t) => t.lastStatus === "PROVISIONING" || t.lastStatus === "PENDING" || t.lastStatus === "ACTIVATING").length;
  const fargate = s.launchType === "FARGATE" || s.capacityProviderStrategy?.some((c) => c.capacityProvider.startsWith("FARGATE"));
  return {
    serviceArn: s.arn,
    serviceName: s.name,
    clusterArn: s.clusterArn,
    loadBalancers: [],
    serviceRegistries: [],
    status: s.status,
    desiredCount: s.desiredCount,
    runningCount: running(tasks),
    pendingCount: pending(tasks),
    launchType: s.launchType,
    capacityProviderStrategy: s.capacityProviderStrategy,
    platformVersion: fargate ? "LATEST" : undefined,
    platformFamily: fargate ? "Linux" : undefined,
    taskDefinition: s.taskDefinitionArn,
    deploymentConfiguration: s.deploymentConfiguration,
    deployments: s.deployments.map((d) => {
      const mine = tasks.filter((t) => t.deploymentId === d.id);
      return {
        id: d.id,
        status: d.status,
        taskDefinition: d.taskDefinitionArn,
        desiredCount: d.status === "PRIMARY" ? s.desiredCount : 0,
        pendingCount: pending(mine),
        runningCount: running(mine),
        failedTasks: d.failedTasks,
        createdAt: epochSeconds(d.createdAt),
        updatedAt: epochSeconds(d.updatedAt),
        launchType: d.launchType,
        capacityProviderStrategy: d.capacityProviderStrategy,
        platformVersion: fargate ? "1.4.0" : undefined,
        platformFamily: fargate ? "Linux" : undefined,
        networkConfiguration: d.networkConfiguration,
        rolloutState: d.rolloutState,
        rolloutStateReason: d.rolloutStateReason,
      };
    }),
    events: s.events.map((e) => ({ id: e.id, createdAt: epochSeconds(e.createdAt), message: e.message })),
    createdAt: epochSeconds(s.createdAt),
    placementConstraints: [],
    placementStrategy: [],
    networkConfiguration: s.networkConfiguration,
    schedulingStrategy: "REPLICA",
    deploymentController: { type: "ECS" },
    tags: includeTags ? s.tags : undefined,
    createdBy: s.createdBy,
    enableECSManagedTags: s.enableECSManagedTags,
    propagateTags: s.propagateTags,
    enableExecuteCommand: false,
  };
}
