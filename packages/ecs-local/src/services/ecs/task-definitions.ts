import { AwsError } from "../../errors.js";
import { checkEnum, checkRange } from "../../protocol/input-checks.js";
import { paginate } from "../../protocol/paginate.js";
import type { OperationContext } from "../../protocol/service-definition.js";
import type { EcsTag, TaskDefinitionRecord } from "../../state/ecs-local-state.js";
import type { EcsContext } from "./ecs-context.js";
import { CLIENT, INVALID, checkFargateSize, isFargateSize, parseCpu, parseMemory, validateTags } from "./ecs-validation.js";
import { taskDefinitionView } from "./ecs-views.js";

const MAX_SIZE_BYTES = 65_536;
const NETWORK_MODES = ["bridge", "host", "awsvpc", "none"] as const;

/** Resolves `family` (latest ACTIVE), `family:revision` or an ARN; undefined when there is none. */
export function findTaskDefinition(ctx: EcsContext, ref: string): TaskDefinitionRecord | undefined {
  const parsed = ctx.arns.taskDefinitionRef(ref);
  if (!parsed) return undefined;
  const all = Object.values(ctx.state.data.taskDefinitions).filter((td) => td.family === parsed.family);
  if (parsed.revision !== undefined) return all.find((td) => td.revision === parsed.revision);
  return all.filter((td) => td.status === "ACTIVE").sort((a, b) => b.revision - a.revision)[0];
}

/** A task definition that new tasks and services may use, or InvalidParameterException as RunTask answers. */
export function runnableTaskDefinition(ctx: EcsContext, ref: string): TaskDefinitionRecord {
  const td = findTaskDefinition(ctx, ref);
  if (!td) throw new AwsError(INVALID, "TaskDefinition not found.");
  if (td.status !== "ACTIVE") throw new AwsError(INVALID, `TaskDefinition is inactive (${td.family}:${td.revision}).`);
  return td;
}

export function taskDefinitionOperations(ctx: EcsContext) {
  return {
    RegisterTaskDefinition(input: Record<string, any>, op: OperationContext) {
      const definition = normalize(input);
      validateTags(input.tags as EcsTag[] | undefined);
      const family = definition.family as string;
      const revisions = Object.values(ctx.state.data.taskDefinitions).filter((td) => td.family === family);
      const revision = revisions.reduce((max, td) => Math.max(max, td.revision), 0) + 1;
      const arn = ctx.arns.taskDefinition(family, revision);
      const record: TaskDefinitionRecord = {
        arn,
        family,
        revision,
        status: "ACTIVE",
        definition,
        tags: (input.tags as EcsTag[] | undefined) ?? [],
        registeredAt: op.now,
        registeredBy: `arn:aws:iam::${op.accountId}:root`,
      };
      ctx.state.data.taskDefinitions[arn] = record;
      ctx.state.markChanged();
      return { taskDefinition: taskDefinitionView(record), tags: record.tags };
    },

    DescribeTaskDefinition(input: { taskDefinition: string; include?: string[] }) {
      const td = findTaskDefinition(ctx, input.taskDefinition);
      if (!td || td.status === "DELETE_IN_PROGRESS") throw new AwsError(CLIENT, "Unable to describe task definition.");
      return { taskDefinition: taskDefinitionView(td), tags: input.include?.includes("TAGS") ? td.tags : undefined };
    },

    DeregisterTaskDefinition(input: { taskDefinition: string }, op: OperationContext) {
      const parsed = ctx.arns.taskDefinitionRef(input.taskDefinition);
      if (!parsed || parsed.revision === undefined) {
        throw new AwsError(INVALID, "The specified task definition identifier is invalid. Specify a valid name or ARN (with a revision) and try again.");
      }
      const td = findTaskDefinition(ctx, input.taskDefinition);
      if (!td || td.status === "DELETE_IN_PROGRESS") throw new AwsError(CLIENT, "The specified task definition does not exist.");
      if (td.status === "ACTIVE") {
        td.status = "INACTIVE";
        td.deregisteredAt = op.now;
        ctx.state.markChanged();
      }
      return { taskDefinition: taskDefinitionView(td) };
    },

    DeleteTaskDefinitions(input: { taskDefinitions: string[] }) {
      if (input.taskDefinitions.length < 1 || input.taskDefinitions.length > 10) throw new AwsError(INVALID, "taskDefinitions must have between 1 and 10 elements.");
      const taskDefinitions: Record<string, unknown>[] = [];
      const failures: { arn: string; reason: string; detail?: string }[] = [];
      for (const ref of input.taskDefinitions) {
        const parsed = ctx.arns.taskDefinitionRef(ref);
        const td = parsed?.revision !== undefined ? findTaskDefinition(ctx, ref) : undefined;
        if (!parsed || parsed.revision === undefined) {
          failures.push({ arn: ref, reason: "The specified task definition identifier is invalid. Specify a valid name or ARN and try again." });
        } else if (!td) {
          failures.push({ arn: ctx.arns.taskDefinition(parsed.family, parsed.revision), reason: "TASK_DEFINITION_NOT_FOUND" });
        } else if (td.status === "ACTIVE") {
          failures.push({ arn: td.arn, reason: "The specified task definition is still in ACTIVE status. Please deregister the target and try again." });
        } else {
          td.status = "DELETE_IN_PROGRESS";
          taskDefinitions.push(taskDefinitionView(td));
        }
      }
      ctx.state.markChanged();
      return { taskDefinitions, failures };
    },

    ListTaskDefinitions(input: { familyPrefix?: string; status?: string; sort?: string; nextToken?: string; maxResults?: number }) {
      checkEnum(input.status, ["ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"], "status", INVALID);
      checkEnum(input.sort, ["ASC", "DESC"], "sort", INVALID);
      checkRange(input.maxResults, 1, 100, "maxResults", INVALID);
      const status = input.status ?? "ACTIVE";
      const list = Object.values(ctx.state.data.taskDefinitions)
        .filter((td) => td.status === status && (input.familyPrefix === undefined || td.family.startsWith(input.familyPrefix)))
        .sort((a, b) => (a.family < b.family ? -1 : a.family > b.family ? 1 : a.revision - b.revision));
      if (input.sort === "DESC") list.reverse();
      const { page, nextToken } = paginate(
        list.map((td) => td.arn),
        input.maxResults ?? 100,
        input.nextToken,
        INVALID,
      );
      return { taskDefinitionArns: page, nextToken };
    },

    ListTaskDefinitionFamilies(input: { familyPrefix?: string; status?: string; nextToken?: string; maxResults?: number }) {
      checkEnum(input.status, ["ACTIVE", "INACTIVE", "ALL"], "status", INVALID);
      checkRange(input.maxResults, 1, 100, "maxResults", INVALID);
      const status = input.status ?? "ACTIVE";
      const families = new Map<string, { active: boolean }>();
      for (const td of Object.values(ctx.state.data.taskDefinitions)) {
        if (td.status === "DELETE_IN_PROGRESS") continue;
        const f = families.get(td.family) ?? { active: false };
        f.active ||= td.status === "ACTIVE";
        families.set(td.family, f);
      }
      const names = [...families]
        .filter(([name, f]) => (input.familyPrefix === undefined || name.startsWith(input.familyPrefix)) && (status === "ALL" || (status === "ACTIVE") === f.active))
        .map(([name]) => name)
        .sort();
      const { page, nextToken } = paginate(names, input.maxResults ?? 100, input.nextToken, INVALID);
      return { families: page, nextToken };
    },
  };
}

/**
 * Checks a RegisterTaskDefinition input the way ECS does and returns the definition as ECS stores
 * it: defaults filled in (essential, cpu 0, empty lists), cpu/memory in units and MiB, and the
 * launch types it is compatible with.
 */
function normalize(input: Record<string, any>): Record<string, any> {
  const size = Buffer.byteLength(JSON.stringify(input), "utf8");
  if (size > MAX_SIZE_BYTES) throw new AwsError(CLIENT, `Actual task definition size (${size} bytes) exceeds the maximum allowed (${MAX_SIZE_BYTES} bytes).`);
  const family = input.family as string;
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(family)) {
    throw new AwsError(CLIENT, "Family contains invalid characters: up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.");
  }
  checkEnum(input.networkMode, NETWORK_MODES, "networkMode", INVALID);
  checkEnum(input.pidMode, ["host", "task"], "pidMode", INVALID);
  checkEnum(input.ipcMode, ["host", "task", "none"], "ipcMode", INVALID);
  for (const c of input.requiresCompatibilities ?? []) checkEnum(c, ["EC2", "FARGATE", "EXTERNAL"], "requiresCompatibilities", INVALID);
  const containers = input.containerDefinitions as Record<string, any>[];
  if (containers.length === 0) throw new AwsError(CLIENT, "Container list cannot be empty.");
  const cpuUnits = parseCpu(input.cpu);
  const memoryMiB = parseMemory(input.memory);
  if (input.cpu !== undefined && cpuUnits === undefined) throw new AwsError(CLIENT, `Invalid 'cpu' setting for task: ${input.cpu}.`);
  if (input.memory !== undefined && memoryMiB === undefined) throw new AwsError(CLIENT, `Invalid 'memory' setting for task: ${input.memory}.`);
  const networkMode = (input.networkMode as string | undefined) ?? "bridge";
  const fargate = ((input.requiresCompatibilities ?? []) as string[]).includes("FARGATE");

  const names = new Set<string>();
  const normalizedContainers = containers.map((c): Record<string, any> => {
    if (!c.name) throw new AwsError(CLIENT, "Container.name should not be null or empty.");
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(c.name)) throw new AwsError(CLIENT, `Container name '${c.name}' is invalid: up to 255 letters, numbers, underscores, and hyphens are allowed.`);
    if (names.has(c.name)) throw new AwsError(CLIENT, `Duplicate container name: ${c.name}. Container names must be unique within a task definition.`);
    names.add(c.name);
    if (!c.image) throw new AwsError(CLIENT, "Container.image should not be null or empty.");
    if (memoryMiB === undefined && c.memory === undefined && c.memoryReservation === undefined && !fargate) {
      throw new AwsError(CLIENT, `Invalid setting for container '${c.name}'. At least one of 'memory' or 'memoryReservation' must be specified.`);
    }
    if (c.memory !== undefined && c.memoryReservation !== undefined && c.memoryReservation > c.memory) {
      throw new AwsError(CLIENT, `Invalid setting for container '${c.name}'. 'memoryReservation' must be less than or equal to 'memory'.`);
    }
    const log = c.logConfiguration as { logDriver?: string; options?: Record<string, string> } | undefined;
    if (log) {
      checkEnum(log.logDriver, ["json-file", "syslog", "journald", "gelf", "fluentd", "awslogs", "splunk", "awsfirelens"], "logConfiguration.logDriver", INVALID);
      if (log.logDriver === "awslogs") {
        if (!log.options?.["awslogs-group"]) throw new AwsError(CLIENT, "Log driver awslogs option 'awslogs-group' should not be null or empty.");
        if (fargate && !log.options["awslogs-stream-prefix"]) throw new AwsError(CLIENT, "Log driver awslogs requires options: awslogs-stream-prefix");
        if (fargate && !input.executionRoleArn) throw new AwsError(CLIENT, "Fargate requires task definition to have execution role ARN to support log driver awslogs.");
      }
    }
    const secretNames = new Set<string>();
    for (const s of (c.secrets ?? []) as { name: string; valueFrom: string }[]) {
      if (!s.name || !s.valueFrom) throw new AwsError(CLIENT, `Invalid secret in container '${c.name}': name and valueFrom are required.`);
      if (secretNames.has(s.name)) throw new AwsError(CLIENT, `Duplicate secret name '${s.name}' in container '${c.name}'.`);
      secretNames.add(s.name);
    }
    if ((c.secrets ?? []).length > 0 && fargate && !input.executionRoleArn) {
      throw new AwsError(CLIENT, "Fargate requires task definition to have execution role ARN to support secrets.");
    }
    if (c.stopTimeout !== undefined && (!Number.isInteger(c.stopTimeout) || c.stopTimeout < 0 || c.stopTimeout > 120)) {
      throw new AwsError(CLIENT, `Invalid stopTimeout for container '${c.name}': must be between 0 and 120 seconds.`);
    }
    const portMappings = ((c.portMappings ?? []) as Record<string, any>[]).map((p) => ({
      ...p,
      hostPort: p.hostPort ?? (networkMode === "awsvpc" || networkMode === "host" ? p.containerPort : undefined),
      protocol: p.protocol ?? "tcp",
    }));
    return {
      ...c,
      cpu: c.cpu ?? 0,
      portMappings,
      essential: c.essential ?? true,
      environment: c.environment ?? [],
      mountPoints: c.mountPoints ?? [],
      volumesFrom: c.volumesFrom ?? [],
    };
  });
  if (!normalizedContainers.some((c) => c.essential)) throw new AwsError(CLIENT, "A task definition must have at least one essential container.");

  if (fargate) {
    if (networkMode !== "awsvpc") throw new AwsError(CLIENT, "Fargate only supports network mode ‘awsvpc’.");
    if (input.cpu === undefined) throw new AwsError(CLIENT, "Fargate requires that 'cpu' be defined at the task level.");
    if (input.memory === undefined) throw new AwsError(CLIENT, "Fargate requires that 'memory' be defined at the task level.");
    checkFargateSize(String(cpuUnits), String(memoryMiB));
  }
  const compatibilities = ["EC2"];
  if (networkMode === "awsvpc" && isFargateSize(cpuUnits, memoryMiB)) compatibilities.push("FARGATE");

  const requiresAttributes: { name: string }[] = [{ name: "com.amazonaws.ecs.capability.docker-remote-api.1.18" }];
  if (networkMode === "awsvpc") requiresAttributes.push({ name: "ecs.capability.task-eni" });
  if (normalizedContainers.some((c) => c.logConfiguration?.logDriver === "awslogs")) {
    requiresAttributes.push({ name: "com.amazonaws.ecs.capability.logging-driver.awslogs" }, { name: "ecs.capability.execution-role-awslogs" });
  }
  if (normalizedContainers.some((c) => (c.secrets ?? []).length > 0)) requiresAttributes.push({ name: "ecs.capability.secrets.asm.environment-variables" });

  const { tags: _tags, ...rest } = input;
  return {
    ...rest,
    family,
    containerDefinitions: normalizedContainers,
    networkMode,
    volumes: input.volumes ?? [],
    placementConstraints: input.placementConstraints ?? [],
    requiresAttributes,
    compatibilities,
    cpu: cpuUnits === undefined ? undefined : String(cpuUnits),
    memory: memoryMiB === undefined ? undefined : String(memoryMiB),
  };
}
