import type { ContainerRecord, TaskDefinitionRecord, TaskRecord } from "../state/ecs-local-state.js";

/** Task metadata endpoint v4's shapes (PascalCase, ISO timestamps), from ecs-local's records. */

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function containerStatus(c: ContainerRecord): string {
  return c.lastStatus;
}

export function containerMetadataView(task: TaskRecord, td: TaskDefinitionRecord | undefined, c: ContainerRecord): Record<string, unknown> {
  const def = (td?.definition.containerDefinitions as Record<string, any>[] | undefined)?.find((d) => d.name === c.name) ?? {};
  const log = def.logConfiguration as { logDriver?: string; options?: Record<string, string> } | undefined;
  const clusterName = task.clusterArn.slice(task.clusterArn.lastIndexOf("/") + 1);
  const eni = task.attachments.find((a) => a.type === "ElasticNetworkInterface");
  const ip = (eni?.details as { name: string; value: string }[] | undefined)?.find((d) => d.name === "privateIPv4Address")?.value;
  return {
    DockerId: c.runtimeId,
    Name: c.name,
    DockerName: `ecs-local-${task.id}-${c.name}`,
    Image: c.image,
    ImageID: undefined,
    Labels: {
      "com.amazonaws.ecs.cluster": clusterName,
      "com.amazonaws.ecs.container-name": c.name,
      "com.amazonaws.ecs.task-arn": task.arn,
      "com.amazonaws.ecs.task-definition-family": task.family,
      "com.amazonaws.ecs.task-definition-version": String(td?.revision ?? ""),
    },
    DesiredStatus: task.desiredStatus,
    KnownStatus: containerStatus(c),
    ExitCode: c.exitCode,
    Limits: { CPU: Number(c.cpu ?? 0), Memory: c.memory !== undefined ? Number(c.memory) : undefined },
    CreatedAt: iso(task.pullStoppedAt ?? task.createdAt),
    StartedAt: iso(task.startedAt),
    Type: "NORMAL",
    ContainerARN: c.containerArn,
    LogDriver: log?.logDriver,
    LogOptions: log?.options,
    Networks: [{ NetworkMode: td?.definition.networkMode ?? "bridge", IPv4Addresses: [ip ?? "127.0.0.1"] }],
  };
}

export function taskMetadataView(task: TaskRecord, td: TaskDefinitionRecord | undefined): Record<string, unknown> {
  const clusterName = task.clusterArn.slice(task.clusterArn.lastIndexOf("/") + 1);
  return {
    Cluster: clusterName,
    TaskARN: task.arn,
    Family: task.family,
    Revision: String(td?.revision ?? ""),
    DesiredStatus: task.desiredStatus,
    KnownStatus: task.lastStatus,
    Limits: { CPU: task.cpu !== undefined ? Number(task.cpu) / 1024 : undefined, Memory: task.memory !== undefined ? Number(task.memory) : undefined },
    PullStartedAt: iso(task.pullStartedAt),
    PullStoppedAt: iso(task.pullStoppedAt),
    AvailabilityZone: task.availabilityZone,
    LaunchType: task.launchType,
    Containers: task.containers.map((c) => containerMetadataView(task, td, c)),
  };
}
