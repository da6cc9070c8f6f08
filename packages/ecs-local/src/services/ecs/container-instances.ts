import { createHash } from "node:crypto";
import { AwsError } from "../../errors.js";
import { checkEnum, checkRange } from "../../protocol/input-checks.js";
import type { ClusterRecord } from "../../state/ecs-local-state.js";
import { activeCluster } from "./clusters.js";
import type { EcsContext } from "./ecs-context.js";
import { INVALID } from "./ecs-validation.js";
import { containerInstanceArn } from "./ecs-views.js";

const integerResource = (name: string, value: number) => ({ name, type: "INTEGER", doubleValue: 0, longValue: 0, integerValue: value });

/**
 * The one container instance ecs-local simulates per cluster for the EC2 launch type: its type and
 * registered cpu/memory come from the options (`containerInstance`, else `capacity`), what remains
 * is that less what the cluster's unstopped EC2 tasks reserve, as ECS reports it.
 */
function containerInstanceView(ctx: EcsContext, cluster: ClusterRecord, now: number): Record<string, unknown> {
  const { instanceType, cpu, memory } = ctx.options.containerInstance;
  const live = Object.values(ctx.state.data.tasks).filter((t) => t.clusterArn === cluster.arn && t.launchType === "EC2" && t.lastStatus !== "STOPPED");
  const used = live.reduce((acc, t) => ({ cpu: acc.cpu + t.reservedCpu, memory: acc.memory + t.reservedMemory }), { cpu: 0, memory: 0 });
  const ports = { name: "PORTS", type: "STRINGSET", doubleValue: 0, longValue: 0, integerValue: 0, stringSetValue: ["22", "2375", "2376", "51678", "51679"] };
  const portsUdp = { name: "PORTS_UDP", type: "STRINGSET", doubleValue: 0, longValue: 0, integerValue: 0, stringSetValue: [] };
  const instanceId = `i-${createHash("sha256").update(cluster.arn).digest("hex").slice(0, 17)}`;
  return {
    containerInstanceArn: containerInstanceArn(ctx, cluster.name),
    ec2InstanceId: instanceId,
    version: 1,
    versionInfo: { agentVersion: "1.89.0", agentHash: "ecslocal", dockerVersion: "DockerVersion: 25.0.0" },
    registeredResources: [integerResource("CPU", cpu), integerResource("MEMORY", memory), ports, portsUdp],
    remainingResources: [integerResource("CPU", Math.max(0, cpu - used.cpu)), integerResource("MEMORY", Math.max(0, memory - used.memory)), ports, portsUdp],
    status: "ACTIVE",
    agentConnected: true,
    runningTasksCount: live.filter((t) => t.lastStatus === "RUNNING").length,
    pendingTasksCount: live.filter((t) => t.lastStatus !== "RUNNING").length,
    attributes: [
      { name: "ecs.instance-type", value: instanceType },
      { name: "ecs.cpu-architecture", value: "x86_64" },
      { name: "ecs.os-type", value: "linux" },
      { name: "ecs.availability-zone", value: `${ctx.options.region}a` },
      { name: "ecs.capability.task-eni" },
    ],
    registeredAt: Math.min(cluster.createdAt, now) / 1000,
    tags: [],
  };
}

export function containerInstanceOperations(ctx: EcsContext) {
  return {
    DescribeContainerInstances(input: { cluster?: string; containerInstances: string[]; include?: string[] }, op: { now: number }) {
      const cluster = activeCluster(ctx, input.cluster);
      if (input.containerInstances.length === 0) throw new AwsError(INVALID, "ContainerInstances cannot be empty.");
      if (input.containerInstances.length > 100) throw new AwsError(INVALID, "ContainerInstances cannot have more than 100 elements.");
      const arn = containerInstanceArn(ctx, cluster.name);
      const id = arn.split("/").pop()!;
      const containerInstances: Record<string, unknown>[] = [];
      const failures: { arn: string; reason: string }[] = [];
      for (const ref of input.containerInstances) {
        if (ref === arn || ref === id) containerInstances.push(containerInstanceView(ctx, cluster, op.now));
        else failures.push({ arn: ref.startsWith("arn:") ? ref : `arn:aws:ecs:${ctx.options.region}:${ctx.options.accountId}:container-instance/${cluster.name}/${ref}`, reason: "MISSING" });
      }
      return { containerInstances, failures };
    },

    ListContainerInstances(input: { cluster?: string; status?: string; maxResults?: number }) {
      const cluster = activeCluster(ctx, input.cluster);
      checkEnum(input.status, ["ACTIVE", "DRAINING", "REGISTERING", "DEREGISTERING", "REGISTRATION_FAILED"], "status", INVALID);
      checkRange(input.maxResults, 1, 100, "maxResults", INVALID);
      const listed = input.status === undefined || input.status === "ACTIVE";
      return { containerInstanceArns: listed ? [containerInstanceArn(ctx, cluster.name)] : [] };
    },
  };
}
