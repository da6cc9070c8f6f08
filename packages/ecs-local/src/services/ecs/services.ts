import { randomUUID } from "node:crypto";
import { AwsError } from "../../errors.js";
import { newDeploymentId } from "../../ids.js";
import { checkEnum, checkRange } from "../../protocol/input-checks.js";
import { paginate } from "../../protocol/paginate.js";
import type { OperationContext } from "../../protocol/service-definition.js";
import type { DeploymentRecord, EcsTag, ServiceRecord } from "../../state/ecs-local-state.js";
import { activeCluster } from "./clusters.js";
import type { EcsContext } from "./ecs-context.js";
import { INVALID, checkClientToken, checkName, validateTags } from "./ecs-validation.js";
import { serviceView } from "./ecs-views.js";
import { resolvePlacement, validateLaunch } from "./run-task.js";
import { runnableTaskDefinition } from "./task-definitions.js";

/** Adds a service event (newest first, at most 100 kept, as DescribeServices shows them). */
export function addServiceEvent(service: ServiceRecord, message: string, now = Date.now()): void {
  service.events.unshift({ id: randomUUID(), createdAt: now, message: `(service ${service.name}) ${message}` });
  if (service.events.length > 100) service.events.length = 100;
}

function newDeployment(service: Pick<ServiceRecord, "taskDefinitionArn" | "launchType" | "capacityProviderStrategy" | "networkConfiguration">, now: number): DeploymentRecord {
  return {
    id: newDeploymentId(),
    status: "PRIMARY",
    taskDefinitionArn: service.taskDefinitionArn,
    createdAt: now,
    updatedAt: now,
    failedTasks: 0,
    rolloutState: "IN_PROGRESS",
    rolloutStateReason: "ECS deployment in progress.",
    launchType: service.launchType,
    capacityProviderStrategy: service.capacityProviderStrategy,
    networkConfiguration: service.networkConfiguration,
  };
}

function checkDeploymentConfiguration(c: { maximumPercent?: number; minimumHealthyPercent?: number } | undefined): void {
  if (!c) return;
  if (c.minimumHealthyPercent !== undefined && (c.minimumHealthyPercent < 0 || c.minimumHealthyPercent > 100)) {
    throw new AwsError(INVALID, "minimumHealthyPercent must be between 0 and 100.");
  }
  if (c.maximumPercent !== undefined && (c.maximumPercent < 100 || c.maximumPercent > 200)) throw new AwsError(INVALID, "maximumPercent must be between 100 and 200.");
}

export function serviceOperations(ctx: EcsContext) {
  const find = (clusterRef: string | undefined, ref: string): ServiceRecord => {
    const cluster = activeCluster(ctx, clusterRef);
    const { name, clusterName } = ctx.arns.serviceRef(ref);
    if (clusterName !== undefined && clusterName !== cluster.name) throw new AwsError("ServiceNotFoundException", "Service not found.");
    const service = ctx.state.data.services[ctx.arns.service(cluster.name, name)];
    if (!service) throw new AwsError("ServiceNotFoundException", "Service not found.");
    return service;
  };

  return {
    CreateService(input: Record<string, any>, op: OperationContext) {
      const cluster = activeCluster(ctx, input.cluster);
      checkName(input.serviceName, "Service name");
      checkClientToken(input.clientToken);
      const arn = ctx.arns.service(cluster.name, input.serviceName);
      const existing = ctx.state.data.services[arn];
      if (existing && existing.status !== "INACTIVE") {
        if (input.clientToken !== undefined && existing.clientToken === input.clientToken) return { service: serviceView(ctx, existing, true) };
        throw new AwsError(INVALID, "Creation of service was not idempotent.");
      }
      if (input.schedulingStrategy !== undefined && input.schedulingStrategy !== "REPLICA") {
        throw new AwsError("UnsupportedFeatureException", "ecs-local runs REPLICA services only (DAEMON needs container instances).");
      }
      if ((input.loadBalancers ?? []).length > 0 || (input.serviceRegistries ?? []).length > 0) {
        throw new AwsError("UnsupportedFeatureException", "ecs-local does not implement load balancers or service discovery for services.");
      }
      if (input.deploymentController?.type !== undefined && input.deploymentController.type !== "ECS") {
        throw new AwsError("UnsupportedFeatureException", "ecs-local supports the ECS deployment controller only.");
      }
      if (input.taskDefinition === undefined) throw new AwsError(INVALID, "TaskDefinition must be specified for services using the ECS deployment controller.");
      if (input.desiredCount === undefined) throw new AwsError(INVALID, "desiredCount is required for services with the REPLICA scheduling strategy.");
      if (!Number.isInteger(input.desiredCount) || input.desiredCount < 0) throw new AwsError(INVALID, "desiredCount must be a whole number ≥ 0.");
      checkEnum(input.propagateTags, ["TASK_DEFINITION", "SERVICE", "NONE"], "propagateTags", INVALID);
      checkDeploymentConfiguration(input.deploymentConfiguration);
      validateTags(input.tags);
      const td = runnableTaskDefinition(ctx, input.taskDefinition);
      const placement = resolvePlacement(cluster, input.launchType, input.capacityProviderStrategy);
      validateLaunch(ctx, td, placement, input.networkConfiguration);
      const fields = {
        taskDefinitionArn: td.arn,
        launchType: input.capacityProviderStrategy?.length ? undefined : placement.launchType,
        capacityProviderStrategy: input.capacityProviderStrategy?.length ? input.capacityProviderStrategy : undefined,
        networkConfiguration: input.networkConfiguration,
      };
      const service: ServiceRecord = {
        arn,
        name: input.serviceName,
        clusterArn: cluster.arn,
        status: "ACTIVE",
        desiredCount: input.desiredCount,
        ...fields,
        deploymentConfiguration: {
          maximumPercent: input.deploymentConfiguration?.maximumPercent ?? 200,
          minimumHealthyPercent: input.deploymentConfiguration?.minimumHealthyPercent ?? 100,
          deploymentCircuitBreaker: input.deploymentConfiguration?.deploymentCircuitBreaker ?? { enable: false, rollback: false },
        },
        deployments: [newDeployment(fields, op.now)],
        events: [],
        tags: (input.tags as EcsTag[] | undefined) ?? [],
        propagateTags: input.propagateTags ?? "NONE",
        enableECSManagedTags: input.enableECSManagedTags ?? false,
        createdAt: op.now,
        createdBy: `arn:aws:iam::${op.accountId}:root`,
        clientToken: input.clientToken,
        consecutiveFailures: 0,
        nextLaunchAt: 0,
        steadyStateReported: false,
      };
      ctx.state.data.services[arn] = service;
      ctx.state.markChanged();
      ctx.wakeScheduler(arn);
      return { service: serviceView(ctx, service, true) };
    },

    UpdateService(input: Record<string, any>, op: OperationContext) {
      const service = find(input.cluster, input.service);
      if (service.status !== "ACTIVE") throw new AwsError("ServiceNotActiveException", "Service was not ACTIVE.");
      if (input.desiredCount !== undefined && (!Number.isInteger(input.desiredCount) || input.desiredCount < 0)) throw new AwsError(INVALID, "desiredCount must be a whole number ≥ 0.");
      checkDeploymentConfiguration(input.deploymentConfiguration);
      if ((input.loadBalancers ?? []).length > 0 || (input.serviceRegistries ?? []).length > 0) {
        throw new AwsError("UnsupportedFeatureException", "ecs-local does not implement load balancers or service discovery for services.");
      }
      checkEnum(input.propagateTags, ["TASK_DEFINITION", "SERVICE", "NONE"], "propagateTags", INVALID);
      const cluster = activeCluster(ctx, input.cluster);
      const td = input.taskDefinition !== undefined ? runnableTaskDefinition(ctx, input.taskDefinition) : ctx.state.data.taskDefinitions[service.taskDefinitionArn];
      if (!td) throw new AwsError(INVALID, "TaskDefinition not found.");
      const strategy = input.capacityProviderStrategy ?? service.capacityProviderStrategy;
      const placement = resolvePlacement(cluster, strategy?.length ? undefined : service.launchType, strategy);
      const networkConfiguration = input.networkConfiguration ?? service.networkConfiguration;
      validateLaunch(ctx, td, placement, networkConfiguration);
      const redeploy =
        td.arn !== service.taskDefinitionArn ||
        input.forceNewDeployment === true ||
        (input.networkConfiguration !== undefined && JSON.stringify(input.networkConfiguration) !== JSON.stringify(service.networkConfiguration)) ||
        (input.capacityProviderStrategy !== undefined && JSON.stringify(input.capacityProviderStrategy) !== JSON.stringify(service.capacityProviderStrategy));
      if (input.desiredCount !== undefined) service.desiredCount = input.desiredCount;
      if (input.deploymentConfiguration) {
        service.deploymentConfiguration = {
          maximumPercent: input.deploymentConfiguration.maximumPercent ?? service.deploymentConfiguration.maximumPercent,
          minimumHealthyPercent: input.deploymentConfiguration.minimumHealthyPercent ?? service.deploymentConfiguration.minimumHealthyPercent,
          deploymentCircuitBreaker: input.deploymentConfiguration.deploymentCircuitBreaker ?? service.deploymentConfiguration.deploymentCircuitBreaker,
        };
      }
      if (input.propagateTags !== undefined) service.propagateTags = input.propagateTags;
      if (input.enableECSManagedTags !== undefined) service.enableECSManagedTags = input.enableECSManagedTags;
      if (redeploy) {
        service.taskDefinitionArn = td.arn;
        service.networkConfiguration = networkConfiguration;
        if (input.capacityProviderStrategy !== undefined) {
          service.capacityProviderStrategy = input.capacityProviderStrategy.length ? input.capacityProviderStrategy : undefined;
          service.launchType = input.capacityProviderStrategy.length ? undefined : placement.launchType;
        }
        for (const d of service.deployments) d.status = "ACTIVE";
        service.deployments.unshift(newDeployment(service, op.now));
      } else {
        service.deployments[0].updatedAt = op.now;
      }
      service.steadyStateReported = false;
      service.nextLaunchAt = 0;
      ctx.state.markChanged();
      ctx.wakeScheduler(service.arn);
      return { service: serviceView(ctx, service, true) };
    },

    DescribeServices(input: { cluster?: string; services: string[]; include?: string[] }) {
      const cluster = activeCluster(ctx, input.cluster);
      if (input.services.length === 0 || input.services.length > 10) throw new AwsError(INVALID, "services must have between 1 and 10 elements.");
      const includeTags = input.include?.includes("TAGS") ?? false;
      const services: Record<string, unknown>[] = [];
      const failures: { arn: string; reason: string }[] = [];
      for (const ref of input.services) {
        let name: string | undefined;
        try {
          name = ctx.arns.serviceRef(ref).name;
        } catch {
          name = undefined;
        }
        const service = name === undefined ? undefined : ctx.state.data.services[ctx.arns.service(cluster.name, name)];
        if (service) services.push(serviceView(ctx, service, includeTags));
        else failures.push({ arn: ref.startsWith("arn:") ? ref : ctx.arns.service(cluster.name, ref), reason: "MISSING" });
      }
      return { services, failures };
    },

    ListServices(input: { cluster?: string; nextToken?: string; maxResults?: number; launchType?: string; schedulingStrategy?: string }) {
      const cluster = activeCluster(ctx, input.cluster);
      checkRange(input.maxResults, 1, 100, "maxResults", INVALID);
      checkEnum(input.launchType, ["EC2", "FARGATE", "EXTERNAL"], "launchType", INVALID);
      checkEnum(input.schedulingStrategy, ["REPLICA", "DAEMON"], "schedulingStrategy", INVALID);
      const arns = Object.values(ctx.state.data.services)
        .filter((s) => s.clusterArn === cluster.arn && s.status !== "INACTIVE" && (input.launchType === undefined || s.launchType === input.launchType) && input.schedulingStrategy !== "DAEMON")
        .map((s) => s.arn)
        .sort();
      const { page, nextToken } = paginate(arns, input.maxResults ?? 10, input.nextToken, INVALID);
      return { serviceArns: page, nextToken };
    },

    DeleteService(input: { cluster?: string; service: string; force?: boolean }) {
      const service = find(input.cluster, input.service);
      if (service.status === "INACTIVE") throw new AwsError("ServiceNotFoundException", "Service not found.");
      if (service.status === "ACTIVE") {
        if (service.desiredCount > 0 && !input.force) throw new AwsError(INVALID, "The service cannot be stopped while it is scaled above 0.");
        service.desiredCount = 0;
        service.status = "DRAINING";
        service.steadyStateReported = false;
        ctx.state.markChanged();
        ctx.wakeScheduler(service.arn);
      }
      return { service: serviceView(ctx, service, true) };
    },
  };
}
