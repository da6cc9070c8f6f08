// The rendered `job_configuration` of an `ecs` work pool, read once into typed fields. Rendering
// (src/worker/render-job-template.ts) already stamped `env`, `labels`, `name` and `command`; here
// we only check types and fill the defaults Prefect's ECSJobConfiguration fills, so that every
// later step trusts its input. A wrong type is a SubmissionError that names the job variable.

import { SubmissionError } from "../../errors.js";

export type LaunchType = "FARGATE" | "FARGATE_SPOT" | "EC2" | "EXTERNAL";
const LAUNCH_TYPES: readonly LaunchType[] = ["FARGATE", "FARGATE_SPOT", "EC2", "EXTERNAL"];

export interface CapacityProviderStrategyItem {
  capacityProvider: string;
  weight?: number;
  base?: number;
}

/** The `aws_credentials` block (Prefect's AwsCredentials), as far as ecsflow uses it. */
export interface JobAwsCredentials {
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  profile?: string;
  region?: string;
  endpoint?: string;
}

export interface EcsJobConfiguration {
  /** The rendered task definition template (never registered as is; see build-task-definition.ts). */
  taskDefinition: Record<string, unknown>;
  /** The rendered RunTask request template. */
  taskRunRequest: Record<string, unknown>;
  /** A linked task definition (task_definition_arn, or `taskDefinition` in the request template). */
  taskDefinitionArn?: string;
  command: string;
  env: Record<string, string>;
  /** Env names a job-variable layer unset with null (the renderer's `unset_env`): also removed from the template's static container environment. */
  unsetEnv: string[];
  labels: Record<string, string>;
  name: string;
  cluster?: string;
  /** The launch type as the template rendered it (undefined when the variable was unset). */
  launchType?: LaunchType;
  capacityProviderStrategy: CapacityProviderStrategyItem[];
  vpcId?: string;
  /** `network_configuration` (an awsvpcConfiguration, or an object holding one). */
  networkConfiguration?: Record<string, unknown>;
  containerName?: string;
  configureCloudwatchLogs: boolean;
  cloudwatchLogsOptions: Record<string, string>;
  cloudwatchLogsPrefix?: string;
  streamOutput: boolean;
  taskStartTimeoutSeconds: number;
  taskWatchPollIntervalSeconds: number;
  autoDeregisterTaskDefinition: boolean;
  matchLatestRevisionInFamily: boolean;
  apiKeySecretArn?: string;
  awsCredentials: JobAwsCredentials;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";

function fail(variable: string, expected: string, value: unknown): never {
  throw new SubmissionError(`The job variable "${variable}" must be ${expected}, got ${JSON.stringify(value)}; fix it in the work pool, deployment or flow run job variables.`);
}

function optionalString(c: Record<string, unknown>, key: string, variable = key): string | undefined {
  const v = c[key];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") fail(variable, "a string", v);
  return v;
}

function optionalBoolean(c: Record<string, unknown>, key: string): boolean | undefined {
  const v = c[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") fail(key, "true or false", v);
  return v;
}

function optionalNumber(c: Record<string, unknown>, key: string): number | undefined {
  const v = c[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) fail(key, "a number ≥ 0", v);
  return v;
}

function stringRecord(value: unknown, variable: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) fail(variable, "an object of strings", value);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

/** `aws_credentials` of a rendered configuration (also of a partial one, as kill() gets). */
export function readJobAwsCredentials(value: unknown): JobAwsCredentials {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) fail("aws_credentials", "an object (AwsCredentials)", "…");
  const s = (k: string) => (nonEmpty(value[k]) ? (value[k] as string) : undefined);
  const params = isObject(value.aws_client_parameters) ? value.aws_client_parameters : {};
  return {
    accessKeyId: s("aws_access_key_id"),
    secretAccessKey: s("aws_secret_access_key"),
    sessionToken: s("aws_session_token"),
    profile: s("profile_name"),
    region: s("region_name"),
    endpoint: nonEmpty(params.endpoint_url) ? params.endpoint_url : undefined,
  };
}

function readStrategy(value: unknown): CapacityProviderStrategyItem[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail("capacity_provider_strategy", "a list of {capacityProvider, weight, base}", value);
  return value.map((item) => {
    if (!isObject(item) || !nonEmpty(item.capacityProvider)) fail("capacity_provider_strategy", "a list of {capacityProvider, weight, base}", item);
    const out: CapacityProviderStrategyItem = { capacityProvider: item.capacityProvider as string };
    if (typeof item.weight === "number") out.weight = item.weight;
    if (typeof item.base === "number") out.base = item.base;
    return out;
  });
}

/** Reads the rendered configuration; throws SubmissionError naming the variable at fault. */
export function readEcsJobConfiguration(c: Record<string, unknown>): EcsJobConfiguration {
  const taskDefinition = c.task_definition === undefined || c.task_definition === null ? {} : c.task_definition;
  if (!isObject(taskDefinition)) fail("task_definition", "an object (a RegisterTaskDefinition request)", taskDefinition);
  const taskRunRequest = c.task_run_request === undefined || c.task_run_request === null ? {} : c.task_run_request;
  if (!isObject(taskRunRequest)) fail("task_run_request", "an object (a RunTask request)", taskRunRequest);

  const launchType = taskRunRequest.launchType;
  if (launchType !== undefined && launchType !== null && !LAUNCH_TYPES.includes(launchType as LaunchType)) {
    fail("launch_type", `one of ${LAUNCH_TYPES.join(", ")}`, launchType);
  }
  const strategy = readStrategy(taskRunRequest.capacityProviderStrategy);
  const linked = nonEmpty(taskRunRequest.taskDefinition) ? taskRunRequest.taskDefinition : undefined;
  const network = c.network_configuration;
  if (network !== undefined && network !== null && !isObject(network)) fail("network_configuration", "an object (awsvpcConfiguration)", network);
  const command = c.command;
  if (typeof command !== "string") fail("command", "a string", command);
  const configureCloudwatchLogs = optionalBoolean(c, "configure_cloudwatch_logs");
  const streamOutput = optionalBoolean(c, "stream_output");

  return {
    taskDefinition,
    taskRunRequest,
    taskDefinitionArn: linked,
    command,
    env: stringRecord(c.env, "env"),
    unsetEnv: Array.isArray(c.unset_env) ? c.unset_env.filter((k): k is string => typeof k === "string") : [],
    labels: stringRecord(c.labels, "labels"),
    name: typeof c.name === "string" ? c.name : "",
    cluster: optionalString(c, "cluster") ?? optionalString(taskRunRequest, "cluster", "cluster"),
    launchType: (launchType ?? undefined) as LaunchType | undefined,
    capacityProviderStrategy: strategy,
    vpcId: optionalString(c, "vpc_id"),
    networkConfiguration: isObject(network) && Object.keys(network).length > 0 ? network : undefined,
    containerName: optionalString(c, "container_name"),
    // Prefect: "The default for this field is `False` unless `stream_output` is set."
    configureCloudwatchLogs: configureCloudwatchLogs ?? streamOutput === true,
    cloudwatchLogsOptions: stringRecord(c.cloudwatch_logs_options, "cloudwatch_logs_options"),
    cloudwatchLogsPrefix: optionalString(c, "cloudwatch_logs_prefix"),
    streamOutput: streamOutput ?? false,
    taskStartTimeoutSeconds: optionalNumber(c, "task_start_timeout_seconds") ?? 300,
    taskWatchPollIntervalSeconds: optionalNumber(c, "task_watch_poll_interval") || 5,
    autoDeregisterTaskDefinition: optionalBoolean(c, "auto_deregister_task_definition") ?? false,
    matchLatestRevisionInFamily: optionalBoolean(c, "match_latest_revision_in_family") ?? false,
    apiKeySecretArn: optionalString(c, "api_key_secret_arn"),
    awsCredentials: readJobAwsCredentials(c.aws_credentials),
  };
}
