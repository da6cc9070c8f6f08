import { AwsError } from "../../errors.js";
import { checkRange } from "../../protocol/input-checks.js";
import { paginate } from "../../protocol/paginate.js";
import type { OperationContext } from "../../protocol/service-definition.js";
import type { CapacityProviderStrategyItem, ClusterRecord, EcsTag } from "../../state/ecs-local-state.js";
import type { EcsContext } from "./ecs-context.js";
import { INVALID, checkName, validateTags } from "./ecs-validation.js";
import { clusterView } from "./ecs-views.js";

const FARGATE_PROVIDERS = ["FARGATE", "FARGATE_SPOT"];

/** The cluster named by a name or ARN (default "default"), ACTIVE, or ClusterNotFoundException. */
export function activeCluster(ctx: EcsContext, ref: string | undefined): ClusterRecord {
  const name = ctx.arns.clusterName(ref);
  const cluster = ctx.state.data.clusters[ctx.arns.cluster(name)];
  if (!cluster) throw new AwsError("ClusterNotFoundException", "Cluster not found.");
  if (cluster.status !== "ACTIVE") throw new AwsError("ClusterNotFoundException", "The referenced cluster was inactive.");
  return cluster;
}

/** Every account has a `default` cluster here, with the Fargate capacity providers attached. */
export function ensureDefaultCluster(ctx: EcsContext, now: number): void {
  const arn = ctx.arns.cluster("default");
  if (ctx.state.data.clusters[arn]) return;
  ctx.state.data.clusters[arn] = newCluster(ctx, "default", now, { capacityProviders: FARGATE_PROVIDERS });
  ctx.state.markChanged();
}

function newCluster(
  ctx: EcsContext,
  name: string,
  now: number,
  fields: { tags?: EcsTag[]; settings?: { name: string; value: string }[]; capacityProviders?: string[]; defaultCapacityProviderStrategy?: CapacityProviderStrategyItem[]; configuration?: Record<string, unknown> },
): ClusterRecord {
  return {
    arn: ctx.arns.cluster(name),
    name,
    status: "ACTIVE",
    createdAt: now,
    tags: fields.tags ?? [],
    settings: fields.settings ?? [{ name: "containerInsights", value: "disabled" }],
    capacityProviders: fields.capacityProviders ?? [],
    defaultCapacityProviderStrategy: fields.defaultCapacityProviderStrategy ?? [],
    configuration: fields.configuration,
  };
}

export function clusterOperations(ctx: EcsContext) {
  return {
    CreateCluster(
      input: { clusterName?: string; tags?: EcsTag[]; settings?: { name: string; value: string }[]; configuration?: Record<string, unknown>; capacityProviders?: string[]; defaultCapacityProviderStrategy?: CapacityProviderStrategyItem[] },
      op: OperationContext,
    ) {
      const name = input.clusterName ?? "default";
      checkName(name, "Cluster name");
      validateTags(input.tags);
      for (const p of input.capacityProviders ?? []) {
        if (!FARGATE_PROVIDERS.includes(p)) throw new AwsError(INVALID, `The specified capacity provider '${p}' does not exist. ecs-local knows FARGATE and FARGATE_SPOT.`);
      }
      for (const s of input.defaultCapacityProviderStrategy ?? []) {
        if (!(input.capacityProviders ?? []).includes(s.capacityProvider)) {
          throw new AwsError(INVALID, "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.");
        }
      }
      for (const s of input.settings ?? []) {
        if (s.name !== "containerInsights" || !["enabled", "disabled", "enhanced"].includes(s.value)) throw new AwsError(INVALID, `Invalid cluster setting: ${s.name}=${s.value}.`);
      }
      const arn = ctx.arns.cluster(name);
      const existing = ctx.state.data.clusters[arn];
      // CreateCluster on an ACTIVE cluster returns it unchanged; an INACTIVE one is created afresh.
      if (existing && existing.status === "ACTIVE") return { cluster: clusterView(ctx, existing) };
      const cluster = newCluster(ctx, name, op.now, input);
      ctx.state.data.clusters[arn] = cluster;
      ctx.state.markChanged();
      return { cluster: clusterView(ctx, cluster) };
    },

    DescribeClusters(input: { clusters?: string[]; include?: string[] }) {
      const refs = input.clusters ?? ["default"];
      if (refs.length > 100) throw new AwsError(INVALID, "Clusters cannot have more than 100 elements");
      const clusters: Record<string, unknown>[] = [];
      const failures: { arn: string; reason: string }[] = [];
      for (const ref of refs) {
        let name: string;
        try {
          name = ctx.arns.clusterName(ref);
        } catch {
          failures.push({ arn: ref, reason: "MISSING" });
          continue;
        }
        const c = ctx.state.data.clusters[ctx.arns.cluster(name)];
        if (c) clusters.push(clusterView(ctx, c, input.include ?? []));
        else failures.push({ arn: ctx.arns.cluster(name), reason: "MISSING" });
      }
      return { clusters, failures };
    },

    ListClusters(input: { nextToken?: string; maxResults?: number }) {
      checkRange(input.maxResults, 1, 100, "maxResults", INVALID);
      const arns = Object.values(ctx.state.data.clusters)
        .filter((c) => c.status === "ACTIVE")
        .map((c) => c.arn)
        .sort();
      const { page, nextToken } = paginate(arns, input.maxResults ?? 100, input.nextToken, INVALID);
      return { clusterArns: page, nextToken };
    },

    DeleteCluster(input: { cluster: string }) {
      const cluster = activeCluster(ctx, input.cluster);
      if (Object.values(ctx.state.data.services).some((s) => s.clusterArn === cluster.arn && s.status !== "INACTIVE")) {
        throw new AwsError("ClusterContainsServicesException", "The Cluster cannot be deleted while Services are active.");
      }
      if (Object.values(ctx.state.data.tasks).some((t) => t.clusterArn === cluster.arn && t.lastStatus !== "STOPPED")) {
        throw new AwsError("ClusterContainsTasksException", "The Cluster cannot be deleted while Tasks are active.");
      }
      cluster.status = "INACTIVE";
      ctx.state.markChanged();
      return { cluster: clusterView(ctx, cluster) };
    },
  };
}
