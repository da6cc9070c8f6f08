// The RunTask request for a run, from the rendered `task_run_request` with Prefect's ECS worker's
// rules (its _prepare_task_run_request), validated before AWS sees it (DESIGN.md lesson 6):
// - launchType: as rendered; unset means FARGATE unless the definition requires EC2 only (then the
//   cluster's default capacity provider places the task). FARGATE_SPOT is not a launch type: it
//   becomes the strategy [{FARGATE_SPOT, weight 1}]. A capacity provider strategy drops launchType
//   (AWS refuses both together), with a warning.
// - overrides: the orchestration container's command is `command` (split like a shell) unless the
//   `command` variable is unset and the task definition's container has its own; its environment
//   is the template's entries not in `env`, then `env` (null values dropped); the other containers'
//   overrides are cleaned the same way; cpu/memory become strings at task level. At most 8,192
//   characters (AWS's limit), checked here.
// - tags: the template's tags, then `labels` (which win), slugified to AWS's tag charset, at most
//   50; `aws:` keys dropped.
// - startedBy names ecsflow and the work pool, so a restarted worker finds its tasks (ListTasks).

import type { RunTaskCommandInput } from "@aws-sdk/client-ecs";
import { SubmissionError } from "../../errors.js";
import { parseCommand } from "../process/parse-command.js";
import type { EcsJobConfiguration } from "./ecs-job-configuration.js";
import type { NetworkConfiguration } from "./network-configuration.js";
import { slugifyStartedBy, slugifyTagPart } from "./slugify.js";

const MAX_OVERRIDES_CHARS = 8192;
const MAX_TAGS = 50;
/** Keys the worker decides itself; anything else in task_run_request passes through. */
const DECIDED_HERE = new Set(["taskDefinition", "launchType", "capacityProviderStrategy", "tags", "networkConfiguration", "overrides", "clientToken", "startedBy", "count", "cluster"]);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** `startedBy` for a pool's tasks: "ecsflow/<pool>" in RunTask's charset, ≤ 128 characters. */
export function startedByFor(poolName: string): string {
  return slugifyStartedBy(`ecsflow/${poolName}`);
}

export interface RunTaskRequestInput {
  cfg: EcsJobConfiguration;
  taskDefinitionArn: string;
  /** The definition's content (built or described): containers, networkMode, compatibilities. */
  definition: Record<string, unknown>;
  containerName: string;
  networkConfiguration?: NetworkConfiguration;
  startedBy: string;
  /** Tags the worker adds (after labels; they win). */
  extraTags?: Record<string, string>;
  warn: (message: string) => void;
}

function toEnvList(value: unknown): { name: string; value: string }[] {
  if (Array.isArray(value)) {
    return value.filter((e) => isObject(e) && typeof e.name === "string" && e.value !== null && e.value !== undefined).map((e) => ({ name: e.name as string, value: String(e.value) }));
  }
  if (isObject(value)) return Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([name, v]) => ({ name, value: String(v) }));
  return [];
}

function toTagList(value: unknown): { key: string; value: string }[] {
  if (Array.isArray(value)) return value.filter((t) => isObject(t) && typeof t.key === "string").map((t) => ({ key: (t as { key: string }).key, value: String((t as { value?: unknown }).value ?? "") }));
  if (isObject(value)) return Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([key, v]) => ({ key, value: String(v) }));
  return [];
}

/** The task's tags: template tags, then labels, then the worker's; slugified, deduplicated, at most 50. */
export function buildTags(fromTemplate: unknown, labels: Record<string, string>, extra: Record<string, string>, warn: (m: string) => void): { key: string; value: string }[] {
  const merged = new Map<string, string>();
  const put = (key: string, value: string) => {
    const k = slugifyTagPart(key, 128);
    if (!k) return warn(`The label ${JSON.stringify(key)} has no character ECS accepts in a tag key; it is not a tag.`);
    if (k.toLowerCase().startsWith("aws:")) return warn(`The label ${JSON.stringify(key)} starts with "aws:", which AWS reserves; it is not a tag.`);
    merged.delete(k);
    merged.set(k, slugifyTagPart(value, 256));
  };
  for (const t of toTagList(fromTemplate)) if (!Object.hasOwn(labels, t.key)) put(t.key, t.value);
  for (const [k, v] of Object.entries(labels)) put(k, v);
  for (const [k, v] of Object.entries(extra)) put(k, v);
  let tags = [...merged].map(([key, value]) => ({ key, value }));
  if (tags.length > MAX_TAGS) {
    // The worker's own tags are last and must stay: drop from the middle (the user's extra labels).
    const keep = new Set(Object.keys(extra).map((k) => slugifyTagPart(k, 128)));
    const dropped = tags.length - MAX_TAGS;
    const removable = tags.filter((t) => !keep.has(t.key)).slice(-dropped).map((t) => t.key);
    tags = tags.filter((t) => !removable.includes(t.key));
    warn(`ECS takes at most ${MAX_TAGS} tags; these labels were left off: ${removable.join(", ")}.`);
  }
  return tags;
}

export function buildRunTaskRequest(input: RunTaskRequestInput): RunTaskCommandInput {
  const { cfg, definition, containerName } = input;
  const request: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cfg.taskRunRequest)) if (!DECIDED_HERE.has(k) && v !== null && v !== undefined && v !== "") request[k] = structuredClone(v);

  // Where the task runs.
  const requires = Array.isArray(definition.requiresCompatibilities) ? (definition.requiresCompatibilities as string[]) : [];
  const ec2Only = requires.includes("EC2") && !requires.includes("FARGATE");
  let launchType: string | undefined = cfg.launchType ?? (ec2Only ? undefined : "FARGATE");
  let strategy = cfg.capacityProviderStrategy.map((s) => ({ ...s }));
  if (strategy.length > 0) {
    if (launchType) input.warn(`Found capacity_provider_strategy; removing launchType ${launchType} from the RunTask request (ECS refuses both).`);
    launchType = undefined;
  } else if (launchType === "FARGATE_SPOT") {
    launchType = undefined;
    strategy = [{ capacityProvider: "FARGATE_SPOT", weight: 1 }];
  }
  const fargate = launchType === "FARGATE" || strategy.some((s) => s.capacityProvider.startsWith("FARGATE"));
  if (fargate) {
    const compat = Array.isArray(definition.compatibilities) ? (definition.compatibilities as string[]) : requires;
    if (compat.length > 0 && !compat.includes("FARGATE") && !requires.includes("FARGATE")) {
      throw new SubmissionError(
        `The task definition ${input.taskDefinitionArn} is not compatible with Fargate (requiresCompatibilities ${JSON.stringify(requires)}) and cannot be used with launch type ${cfg.launchType ?? "FARGATE"}; use launch_type EC2 or a Fargate-compatible task definition.`,
      );
    }
    const mode = (definition.networkMode as string | undefined) ?? "bridge";
    if (mode !== "awsvpc") {
      throw new SubmissionError(`Found network mode "${mode}" which is not compatible with launch type ${cfg.launchType ?? "FARGATE"}. Use either the EC2 launch type or the awsvpc network mode.`);
    }
  }
  if (cfg.cluster) request.cluster = cfg.cluster;
  request.taskDefinition = input.taskDefinitionArn;
  if (launchType) request.launchType = launchType;
  if (strategy.length > 0) request.capacityProviderStrategy = strategy;
  if (input.networkConfiguration) request.networkConfiguration = input.networkConfiguration;
  request.count = 1;
  request.startedBy = input.startedBy;

  // Overrides.
  const containers = Array.isArray(definition.containerDefinitions) ? (definition.containerDefinitions as Record<string, unknown>[]) : [];
  const overrides: Record<string, unknown> = isObject(cfg.taskRunRequest.overrides) ? structuredClone(cfg.taskRunRequest.overrides) : {};
  const containerOverrides = (Array.isArray(overrides.containerOverrides) ? overrides.containerOverrides : []).filter(isObject).map((o) => ({ ...o }));
  if (containerOverrides.length > 0 && !containerOverrides[0].name) containerOverrides[0].name = containerName;
  let main = containerOverrides.find((o) => o.name === containerName);
  if (!main) {
    main = { name: containerName };
    containerOverrides.push(main);
  }
  const definedCommand = containers.find((c) => c.name === containerName)?.command;
  const commandVariableSet = main.command !== undefined && main.command !== null && main.command !== "";
  if (commandVariableSet || !(Array.isArray(definedCommand) && definedCommand.length > 0)) main.command = parseCommand(cfg.command);
  else delete main.command;
  const secretNames = new Set(cfg.apiKeySecretArn ? ["PREFECT_API_KEY"] : []);
  main.environment = [
    ...toEnvList(main.environment).filter((e) => !Object.hasOwn(cfg.env, e.name)),
    ...Object.entries(cfg.env).map(([name, value]) => ({ name, value })),
  ].filter((e) => !secretNames.has(e.name));
  for (const o of containerOverrides) {
    if (typeof o.command === "string") o.command = parseCommand(o.command);
    if (o !== main && o.environment !== undefined) o.environment = toEnvList(o.environment);
    for (const k of ["cpu", "memory", "memoryReservation"]) {
      if (o[k] === null || o[k] === undefined || o[k] === "") delete o[k];
      else o[k] = Number(o[k]);
    }
    for (const [k, v] of Object.entries(o)) if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) delete o[k];
    const known = containers.some((c) => c.name === o.name);
    if (!known) {
      throw new SubmissionError(`The RunTask overrides name the container ${JSON.stringify(o.name)}, which the task definition does not have (${containers.map((c) => c.name).join(", ")}). Fix container_name or the task run request template.`);
    }
  }
  const kept = containerOverrides.filter((o) => Object.keys(o).some((k) => k !== "name"));
  if (kept.length > 0) overrides.containerOverrides = kept;
  else delete overrides.containerOverrides;
  for (const k of ["cpu", "memory"]) {
    if (overrides[k] === null || overrides[k] === undefined || overrides[k] === "") delete overrides[k];
    else overrides[k] = String(overrides[k]);
  }
  for (const [k, v] of Object.entries(overrides)) if (v === null || v === undefined || v === "") delete overrides[k];
  const size = JSON.stringify(overrides).length;
  if (size > MAX_OVERRIDES_CHARS) {
    throw new SubmissionError(
      `The RunTask overrides are ${size} characters; ECS accepts at most ${MAX_OVERRIDES_CHARS}. They carry the command and ${Object.keys(cfg.env).length} environment variables: move large or unchanging variables into the task definition template or into secrets.`,
    );
  }
  if (Object.keys(overrides).length > 0) request.overrides = overrides;

  const tags = buildTags(cfg.taskRunRequest.tags, cfg.labels, input.extraTags ?? {}, input.warn);
  if (tags.length > 0) request.tags = tags;
  return request as unknown as RunTaskCommandInput;
}
