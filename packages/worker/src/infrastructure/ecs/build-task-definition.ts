// The task definition ecsflow registers for a run, built from the rendered `task_definition` with
// Prefect's ECS worker's rules (its _prepare_task_definition), and its known bugs fixed:
// - The run's `env` never goes into the task definition (it changes every run: PREFECT__FLOW_RUN_ID);
//   it is sent in RunTask's overrides. Entries of the template's own container `environment` that
//   `env` sets anyway, or that a deployment or flow run unsets with null, are dropped from the definition too.
// - The generated family is slugified for real (Prefect computes the slug and drops it).
// - A capacity provider strategy decides where the task runs (Fargate providers → Fargate
//   definition; others → EC2), not the unrelated default launch type.
// - An execution role is required for awslogs only where AWS requires one (Fargate).
// Everything else as Prefect: the orchestration container is `container_name`, else one named
// "prefect", else the first; Fargate gets task-level cpu/memory strings (default 1024/2048),
// FARGATE in requiresCompatibilities and networkMode awsvpc; EC2 gets container-level cpu/memory;
// `configure_cloudwatch_logs` adds an awslogs configuration (group "prefect", stream prefix
// `prefect-logs_<pool>_<deployment or flow id>`, options merged over); `api_key_secret_arn` becomes
// the container secret PREFECT_API_KEY.

import { SubmissionError } from "../../errors.js";
import type { EcsJobConfiguration } from "./ecs-job-configuration.js";
import { slugifyFamily } from "./slugify.js";

export const DEFAULT_CONTAINER_NAME = "prefect";
export const DEFAULT_CPU = 1024;
export const DEFAULT_MEMORY = 2048;
export const DEFAULT_LOG_GROUP = "prefect";

type Container = Record<string, unknown> & { name?: string };
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

export type LaunchKind = "FARGATE" | "EC2" | "EXTERNAL";

/**
 * Where the task will run: a capacity provider strategy decides (FARGATE/FARGATE_SPOT providers
 * mean Fargate); else the launch type (FARGATE_SPOT is Fargate); unset means Fargate, unless the
 * definition requires EC2 only (then the cluster's default capacity provider places it).
 */
export function launchKindOf(cfg: Pick<EcsJobConfiguration, "launchType" | "capacityProviderStrategy">, requiresCompatibilities?: unknown): LaunchKind {
  if (cfg.capacityProviderStrategy.length > 0) return cfg.capacityProviderStrategy.every((s) => s.capacityProvider.startsWith("FARGATE")) ? "FARGATE" : "EC2";
  if (cfg.launchType === "FARGATE" || cfg.launchType === "FARGATE_SPOT") return "FARGATE";
  if (cfg.launchType === "EC2" || cfg.launchType === "EXTERNAL") return cfg.launchType;
  const requires = Array.isArray(requiresCompatibilities) ? requiresCompatibilities : [];
  return requires.includes("EC2") && !requires.includes("FARGATE") ? "EC2" : "FARGATE";
}

/** Prefect's rule: a container named "prefect", else the first container's name. */
export function containerNameFromDefinition(containers: unknown[]): string | undefined {
  const named = containers.filter(isObject);
  if (named.some((c) => c.name === DEFAULT_CONTAINER_NAME)) return DEFAULT_CONTAINER_NAME;
  const first = named[0]?.name;
  return typeof first === "string" && first !== "" ? first : undefined;
}

export interface TaskDefinitionContext {
  /** The Region awslogs writes to. */
  region: string;
  /** Image when neither the template nor `image` names one. */
  defaultImage: string;
  poolName: string;
  deploymentId?: string | null;
  flowId: string;
  /** Env names the job variables (deployment's or flow run's) unset with null (removed from the template's environment too). */
  unsetEnv?: readonly string[];
}

export interface BuiltTaskDefinition {
  /** RegisterTaskDefinition input, without tags. */
  definition: Record<string, unknown>;
  /** Tags the template put on the definition (registered alongside ecsflow's hash tag). */
  tags: { key: string; value: string }[];
  containerName: string;
  launchKind: LaunchKind;
}

function dropEmpty(value: Record<string, unknown>): void {
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0)) {
      delete value[key];
      continue;
    }
    if (isObject(v)) dropEmpty(v);
    if (Array.isArray(v)) for (const item of v) if (isObject(item)) dropEmpty(item);
  }
}

export function buildTaskDefinition(cfg: EcsJobConfiguration, ctx: TaskDefinitionContext): BuiltTaskDefinition {
  const td = structuredClone(cfg.taskDefinition);
  const rawTags = td.tags;
  delete td.tags;
  if (td.containerDefinitions !== undefined && !Array.isArray(td.containerDefinitions)) {
    throw new SubmissionError("task_definition.containerDefinitions must be a list of container definitions; fix the work pool's base job template.");
  }
  const containers = ((td.containerDefinitions ?? []) as unknown[]).filter((c): c is Container => isObject(c) && Object.keys(c).length > 0);
  td.containerDefinitions = containers;

  const containerName = cfg.containerName ?? containerNameFromDefinition(containers) ?? DEFAULT_CONTAINER_NAME;
  let container = containers.find((c) => c.name === containerName);
  if (!container) {
    if (containerName !== DEFAULT_CONTAINER_NAME) {
      throw new SubmissionError(
        `Container "${containerName}" (container_name) is not in the task definition; its containers are ${containers.map((c) => JSON.stringify(c.name ?? "(unnamed)")).join(", ") || "none"}. Set container_name to one of them.`,
      );
    }
    container = containers.find((c) => c.name === undefined || c.name === "");
    if (container) container.name = containerName;
    else {
      container = { name: containerName };
      containers.push(container);
    }
  }
  if (typeof container.image !== "string" || container.image === "") container.image = ctx.defaultImage;

  // env is runtime-only: the template's entries that env sets (or a job-variable layer unsets) leave the definition.
  const runtimeOnly = new Set([...Object.keys(cfg.env), ...(ctx.unsetEnv ?? [])]);
  if (cfg.apiKeySecretArn) runtimeOnly.add("PREFECT_API_KEY");
  if (Array.isArray(container.environment)) {
    container.environment = (container.environment as unknown[]).filter((e) => isObject(e) && typeof e.name === "string" && !runtimeOnly.has(e.name) && e.value !== null && e.value !== undefined);
  }

  const launchKind = launchKindOf(cfg, td.requiresCompatibilities);
  if (Object.keys(cfg.cloudwatchLogsOptions).length > 0 && !cfg.configureCloudwatchLogs) {
    throw new SubmissionError("cloudwatch_logs_options is set but configure_cloudwatch_logs is not; enable configure_cloudwatch_logs (or stream_output) to use it.");
  }
  if (cfg.configureCloudwatchLogs) {
    if (launchKind === "FARGATE" && !td.executionRoleArn) {
      throw new SubmissionError(
        "configure_cloudwatch_logs (or stream_output) on Fargate needs an execution role: set execution_role_arn to a role with logs:CreateLogGroup, logs:CreateLogStream and logs:PutLogEvents.",
      );
    }
    const prefix = `prefect-logs_${ctx.poolName}_${ctx.deploymentId ?? ctx.flowId}`;
    container.logConfiguration = {
      logDriver: "awslogs",
      options: {
        "awslogs-create-group": "true",
        "awslogs-group": DEFAULT_LOG_GROUP,
        "awslogs-region": ctx.region,
        "awslogs-stream-prefix": cfg.cloudwatchLogsPrefix ?? prefix,
        ...cfg.cloudwatchLogsOptions,
      },
    };
  }

  td.family = slugifyFamily(typeof td.family === "string" && td.family !== "" ? td.family : `prefect_${ctx.poolName}_${ctx.deploymentId ?? ctx.flowId}`);

  const cpu = td.cpu || DEFAULT_CPU;
  const memory = td.memory || DEFAULT_MEMORY;
  if (launchKind === "FARGATE") {
    td.cpu = String(cpu);
    td.memory = String(memory);
    const requires = Array.isArray(td.requiresCompatibilities) ? [...(td.requiresCompatibilities as string[])] : [];
    if (!requires.includes("FARGATE")) requires.push("FARGATE");
    td.requiresCompatibilities = requires;
    td.networkMode ??= "awsvpc";
    if (td.networkMode !== "awsvpc") {
      throw new SubmissionError(
        `Found network mode "${String(td.networkMode)}" which is not compatible with launch type ${cfg.launchType ?? "FARGATE"}. Use either the EC2 launch type or the awsvpc network mode.`,
      );
    }
  } else {
    container.cpu ??= Number.parseInt(String(cpu), 10);
    container.memory ??= Number.parseInt(String(memory), 10);
  }
  if (td.cpu) td.cpu = String(td.cpu);
  if (td.memory) td.memory = String(td.memory);

  if (cfg.apiKeySecretArn) {
    const secrets = (Array.isArray(container.secrets) ? container.secrets : []).filter(isObject).map((s) => ({ ...s }));
    const mine = secrets.find((s) => s.name === "PREFECT_API_KEY");
    if (mine) mine.valueFrom = cfg.apiKeySecretArn;
    else secrets.push({ name: "PREFECT_API_KEY", valueFrom: cfg.apiKeySecretArn });
    container.secrets = secrets;
  }

  if (launchKind === "FARGATE" && !td.executionRoleArn && containers.some((c) => Array.isArray(c.secrets) && c.secrets.length > 0)) {
    throw new SubmissionError(
      `Container secrets${cfg.apiKeySecretArn ? " (api_key_secret_arn)" : ""} on Fargate need an execution role: set execution_role_arn to a role allowed to read them (secretsmanager:GetSecretValue).`,
    );
  }
  if (containers.every((c) => c.essential === false)) {
    throw new SubmissionError("At least one container in the task definition must be essential; a task whose containers are all non-essential never stops on its own.");
  }
  dropEmpty(td);

  const tags = Array.isArray(rawTags)
    ? rawTags.filter(isObject).map((t) => ({ key: String(t.key), value: String(t.value ?? "") }))
    : isObject(rawTags)
      ? Object.entries(rawTags).map(([key, value]) => ({ key, value: String(value) }))
      : [];
  return { definition: td, tags, containerName, launchKind };
}

/** Where the awslogs driver writes a container's output, if it uses awslogs with a stream prefix. */
export interface AwslogsTarget {
  group: string;
  streamPrefix: string;
  region?: string;
}

export function awslogsTargetOf(container: Record<string, unknown> | undefined): AwslogsTarget | undefined {
  const log = container?.logConfiguration;
  if (!isObject(log) || log.logDriver !== "awslogs" || !isObject(log.options)) return undefined;
  const group = log.options["awslogs-group"];
  const prefix = log.options["awslogs-stream-prefix"];
  if (typeof group !== "string" || typeof prefix !== "string" || !group || !prefix) return undefined;
  const region = log.options["awslogs-region"];
  return { group, streamPrefix: prefix, region: typeof region === "string" ? region : undefined };
}
