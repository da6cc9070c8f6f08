// The rendered `job_configuration` of an `ecs` work pool, read once into typed fields. Rendering
// (packages/worker/src/render-job-template.ts) already stamped `env`, `labels`, `name` and `command`; here
// one TypeBox schema checks the types and the defaults Prefect's ECSJobConfiguration fills are
// filled, so that every later step trusts its input. A wrong type is a SubmissionError that names
// the job variable (each property's schema carries the variable's name and what it must be).

import { Type, type TSchema } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { Value } from "@sinclair/typebox/value";
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

/** A property's schema, annotated with the job variable it comes from and what it must be. */
interface Annotation {
  variable: string;
  expected: string;
  /** The value is not shown in the error (it may hold credentials). */
  secret?: boolean;
}
const nullable = <T extends TSchema>(schema: T, a: Annotation) => Type.Optional(Type.Union([schema, Type.Null()], a));
const str = (variable: string) => nullable(Type.String(), { variable, expected: "a string" });
const bool = (variable: string) => nullable(Type.Boolean(), { variable, expected: "true or false" });
const num = (variable: string) => nullable(Type.Number({ minimum: 0 }), { variable, expected: "a number ≥ 0" });
const obj = (variable: string, expected: string, a: Partial<Annotation> = {}) => nullable(Type.Record(Type.String(), Type.Unknown()), { variable, expected, ...a });

const STRATEGY = { variable: "capacity_provider_strategy", expected: "a list of {capacityProvider, weight, base}" };

/** The rendered configuration as far as ecsflow reads it; other keys pass through untouched. */
const RenderedEcsJobConfiguration = Type.Object({
  task_definition: obj("task_definition", "an object (a RegisterTaskDefinition request)"),
  task_run_request: nullable(
    Type.Object({
      launchType: nullable(Type.Union(LAUNCH_TYPES.map((t) => Type.Literal(t))), { variable: "launch_type", expected: `one of ${LAUNCH_TYPES.join(", ")}` }),
      capacityProviderStrategy: nullable(Type.Array(Type.Object({ capacityProvider: Type.String({ pattern: "\\S" }) }, STRATEGY), STRATEGY), STRATEGY),
      cluster: str("cluster"),
    }),
    { variable: "task_run_request", expected: "an object (a RunTask request)" },
  ),
  network_configuration: obj("network_configuration", "an object (awsvpcConfiguration)"),
  command: Type.String({ variable: "command", expected: "a string" }),
  env: obj("env", "an object of strings"),
  labels: obj("labels", "an object of strings"),
  cloudwatch_logs_options: obj("cloudwatch_logs_options", "an object of strings"),
  cluster: str("cluster"),
  vpc_id: str("vpc_id"),
  container_name: str("container_name"),
  cloudwatch_logs_prefix: str("cloudwatch_logs_prefix"),
  api_key_secret_arn: str("api_key_secret_arn"),
  configure_cloudwatch_logs: bool("configure_cloudwatch_logs"),
  stream_output: bool("stream_output"),
  auto_deregister_task_definition: bool("auto_deregister_task_definition"),
  match_latest_revision_in_family: bool("match_latest_revision_in_family"),
  task_start_timeout_seconds: num("task_start_timeout_seconds"),
  task_watch_poll_interval: num("task_watch_poll_interval"),
  aws_credentials: obj("aws_credentials", "an object (AwsCredentials)", { secret: true }),
});
const check = TypeCompiler.Compile(RenderedEcsJobConfiguration);

/**
 * The deepest annotated schema whose value fails, and that value. Walks down only where a part
 * fails (through the nullable unions, into objects and lists), so a bad `launchType` is reported
 * as `launch_type`, not as a bad `task_run_request`.
 */
function locate(schema: TSchema, value: unknown, found: { a: Annotation; value: unknown }): { a: Annotation; value: unknown } {
  if (typeof schema.variable === "string") found = { a: schema as unknown as Annotation, value };
  if (value === null || value === undefined) return found;
  const inner = (schema.anyOf as TSchema[] | undefined)?.find((b) => b.type !== "null" && (b.type === "object" || b.type === "array"));
  const target = inner ?? schema;
  if (target.type === "object" && target.properties && isObject(value)) {
    const required = new Set<string>(target.required ?? []);
    for (const [key, sub] of Object.entries(target.properties as Record<string, TSchema>)) {
      // An optional property checked alone would fail on undefined: absent is fine unless required.
      if (value[key] === undefined && !required.has(key)) continue;
      if (!Value.Check(sub, value[key])) return locate(sub, value[key], found);
    }
  }
  if (target.type === "array" && target.items && Array.isArray(value)) {
    const bad = value.find((item) => !Value.Check(target.items as TSchema, item));
    if (bad !== undefined) return locate(target.items as TSchema, bad, found);
  }
  return found;
}

function fail({ variable, expected, secret }: Annotation, value: unknown): never {
  const shown = secret ? "…" : JSON.stringify(value);
  throw new SubmissionError(`The job variable "${variable}" must be ${expected}, got ${shown}; fix it in the work pool, deployment or flow run job variables.`);
}

function validate(c: Record<string, unknown>): void {
  const first = check.Errors(c).First();
  if (!first) return;
  const { a, value } = locate(RenderedEcsJobConfiguration, c, { a: { variable: "job_configuration", expected: "an object" }, value: c });
  fail(a, value);
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(isObject(value) ? value : {})) {
    if (v === null || v === undefined) continue;
    out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

/** `aws_credentials` of a rendered configuration (also of a partial one, as kill() gets). */
export function readJobAwsCredentials(value: unknown): JobAwsCredentials {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) fail({ variable: "aws_credentials", expected: "an object (AwsCredentials)", secret: true }, value);
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
  if (!Array.isArray(value)) return [];
  return value.map((item: Record<string, unknown>) => {
    const out: CapacityProviderStrategyItem = { capacityProvider: item.capacityProvider as string };
    if (typeof item.weight === "number") out.weight = item.weight;
    if (typeof item.base === "number") out.base = item.base;
    return out;
  });
}

/** Reads the rendered configuration; throws SubmissionError naming the variable at fault. */
export function readEcsJobConfiguration(c: Record<string, unknown>): EcsJobConfiguration {
  validate(c);
  const taskDefinition = isObject(c.task_definition) ? c.task_definition : {};
  const taskRunRequest = isObject(c.task_run_request) ? c.task_run_request : {};
  const launchType = (taskRunRequest.launchType ?? undefined) as LaunchType | undefined;
  const network = isObject(c.network_configuration) ? c.network_configuration : undefined;
  const configureCloudwatchLogs = c.configure_cloudwatch_logs as boolean | null | undefined;
  const streamOutput = c.stream_output as boolean | null | undefined;
  const number = (v: unknown) => (typeof v === "number" ? v : undefined);

  return {
    taskDefinition,
    taskRunRequest,
    taskDefinitionArn: nonEmpty(taskRunRequest.taskDefinition) ? taskRunRequest.taskDefinition : undefined,
    command: c.command as string,
    env: stringRecord(c.env),
    unsetEnv: Array.isArray(c.unset_env) ? c.unset_env.filter((k): k is string => typeof k === "string") : [],
    labels: stringRecord(c.labels),
    name: typeof c.name === "string" ? c.name : "",
    cluster: text(c.cluster) ?? text(taskRunRequest.cluster),
    launchType,
    capacityProviderStrategy: readStrategy(taskRunRequest.capacityProviderStrategy),
    vpcId: text(c.vpc_id),
    networkConfiguration: network && Object.keys(network).length > 0 ? network : undefined,
    containerName: text(c.container_name),
    // Prefect: "The default for this field is `False` unless `stream_output` is set."
    configureCloudwatchLogs: configureCloudwatchLogs ?? streamOutput === true,
    cloudwatchLogsOptions: stringRecord(c.cloudwatch_logs_options),
    cloudwatchLogsPrefix: text(c.cloudwatch_logs_prefix),
    streamOutput: streamOutput ?? false,
    taskStartTimeoutSeconds: number(c.task_start_timeout_seconds) ?? 300,
    taskWatchPollIntervalSeconds: number(c.task_watch_poll_interval) || 5,
    autoDeregisterTaskDefinition: (c.auto_deregister_task_definition as boolean | null | undefined) ?? false,
    matchLatestRevisionInFamily: (c.match_latest_revision_in_family as boolean | null | undefined) ?? false,
    apiKeySecretArn: text(c.api_key_secret_arn),
    awsCredentials: readJobAwsCredentials(c.aws_credentials),
  };
}
