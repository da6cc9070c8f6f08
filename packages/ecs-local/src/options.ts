import { isAbsolute } from "node:path";
import pino, { type Logger } from "pino";
import type { AccessOptions } from "./access/access-control.js";
import { EcsLocalConfigError } from "./errors.js";
import type { ImagePullBehavior } from "./runtime/container-driver.js";
import { parseEngineAddress } from "./runtime/detect-engine.js";

/** The token buckets ecs-local keeps, named for the AWS limit they mirror. */
export type LimitName = "runTaskStopTask" | "fargateLaunches" | "describeTasks" | "registerTaskDefinition" | "getLogEvents";

export interface BucketLimit {
  /** Tokens available at once (AWS's "burst"). */
  burst: number;
  /** Tokens refilled per second (AWS's "sustained rate"). */
  ratePerSecond: number;
}

/**
 * AWS's published per-account, per-Region API limits (DESIGN.md). GetLogEvents is hard-capped
 * account-wide by CloudWatch Logs at about 10–25 calls per second.
 */
export const AWS_DEFAULT_LIMITS: Readonly<Record<LimitName, BucketLimit>> = {
  runTaskStopTask: { burst: 100, ratePerSecond: 40 },
  fargateLaunches: { burst: 100, ratePerSecond: 20 },
  describeTasks: { burst: 100, ratePerSecond: 20 },
  registerTaskDefinition: { burst: 20, ratePerSecond: 1 },
  getLogEvents: { burst: 25, ratePerSecond: 10 },
};

/**
 * How an image becomes a host command. The first mapping whose `image` pattern matches (`*` matches
 * any run of characters, so `ghcr.io/acme/ecsflow:*` matches every tag) supplies what the image itself would: its ENTRYPOINT, default CMD,
 * WORKDIR and ENV. The task definition's `entryPoint`/`command`/`workingDirectory` still win, as
 * they do over an image in Docker.
 */
export interface ImageMapping {
  image: string;
  entryPoint?: string[];
  command?: string[];
  workingDirectory?: string;
  environment?: Record<string, string>;
}

export type FaultKind = "throttle" | "server-error" | "cannot-pull-container" | "task-failed-to-start";

/**
 * One fault to inject. `throttle` and `server-error` hit API calls (optionally of one operation,
 * e.g. "RunTask" or "ecs:RunTask"); `cannot-pull-container` and `task-failed-to-start` hit task
 * launches. `fraction` of matching events (default 1) fail, at most `count` times (default no limit).
 */
export interface FaultRule {
  kind: FaultKind;
  operation?: string;
  fraction?: number;
  count?: number;
}

export interface SubnetConfig {
  subnetId: string;
  cidrBlock: string;
  availabilityZone: string;
}

export interface SecurityGroupConfig {
  groupId: string;
  groupName: string;
  description?: string;
}

export interface VpcConfig {
  vpcId: string;
  cidrBlock: string;
  isDefault?: boolean;
  subnets?: SubnetConfig[];
  securityGroups?: SecurityGroupConfig[];
}

export type ProvisioningProfile = "instant" | "default" | "fargate";

/** What runs task containers: host processes, a Docker Engine API (Docker or Podman), or the first engine found else processes. */
export type RuntimeChoice = "auto" | "docker" | "process";

/** One HTTP exchange as answered, for tests and tools that check responses against AWS's models. */
export interface Exchange {
  service: string;
  operation: string;
  protocol: "json" | "query" | "ec2";
  httpStatus: number;
  body: string;
  errorCode?: string;
}

export interface EcsLocalOptions {
  /** Loopback unless told otherwise: anyone who reaches ecs-local can run commands as its tasks. @default "127.0.0.1" */
  host?: string;
  /**
   * Credentials ecs-local accepts. Unset: any well-formed SigV4 signature and open admin routes
   * (fine on loopback). Set: AWS calls must be signed with `accessKeyId` (verified with
   * `secretAccessKey` when given) or with task role credentials ecs-local issued; admin routes need
   * `Authorization: Bearer <adminToken>` and are closed without one. @default undefined
   */
  access?: AccessOptions;
  /** 0 picks a free port. @default 4566 */
  port?: number;
  /** @default "us-east-1" */
  region?: string;
  /** @default "000000000000" */
  accountId?: string;
  /** Folder where state is saved (JSON) and reloaded from. @default undefined (in memory only) */
  stateDir?: string;
  /** @default a silent logger */
  logger?: Logger;
  /**
   * Environment that every task process starts from (PATH, HOME, …). Task processes see nothing
   * else of the host's environment. @default {}
   */
  hostEnv?: Record<string, string | undefined>;
  /**
   * Executable names rewritten before spawning, e.g. `{ ecsflow: [process.execPath, "/…/bin/ecsflow.js"] }`,
   * so that a container command like `ecsflow flow-run execute` runs the local build.
   * @default { node: [process.execPath] }
   */
  commandAliases?: Record<string, string[]>;
  /** @default [] */
  images?: ImageMapping[];
  /** Working directory when neither the task definition nor an image mapping names one. @default process.cwd() */
  defaultWorkingDirectory?: string;
  /** @default "default" (100–500 ms) */
  provisioningProfile?: ProvisioningProfile;
  /** Overrides the profile's range. */
  provisioningDelayMs?: { min: number; max: number };
  /** Multiplies every simulated duration (provisioning, scheduler backoff). @default 1 */
  timeFactor?: number;
  /** `false` turns every token bucket off. @default AWS's limits, on */
  limits?: false | { enabled?: boolean; buckets?: Partial<Record<LimitName, BucketLimit>> };
  /** Capacity of each cluster for the EC2 launch type (CPU units, MiB). @default unlimited */
  capacity?: { cpu: number; memory: number };
  /**
   * The container instance each cluster has for the EC2 launch type, as DescribeContainerInstances
   * reports it: its `ecs.instance-type` and registered CPU units and MiB.
   * @default m5.large; cpu and memory from `capacity`, else 2048 and 7680 (an m5.large less the agent's reserve)
   */
  containerInstance?: { instanceType?: string; cpu?: number; memory?: number };
  /** @default [] */
  faults?: FaultRule[];
  /** Seed for fault fractions and provisioning delays, for reproducible runs. @default random */
  seed?: number;
  /** Extra VPCs beside the default one. */
  network?: { vpcs?: VpcConfig[] };
  /** How long STOPPED tasks stay describable. @default 3_600_000 (1 h) */
  stoppedTaskRetentionMs?: number;
  /** On close, how long task processes get after SIGTERM before SIGKILL. @default 10_000 */
  shutdownGraceMs?: number;
  /** Called with every AWS API response (not admin ones). */
  observer?: (exchange: Exchange) => void;
  /** Called with every route registered (method and path pattern): for tests that walk the route table. */
  onRoute?: (route: { method: string | string[]; url: string }) => void;
  /**
   * What runs task containers. `process`: host processes (image mappings stand in for images).
   * `docker`: a Docker Engine API (Docker, or Podman's Docker-compatible service) at `engineHost`,
   * else the first of Docker's and Podman's usual sockets that answers. `auto`: that engine when one
   * answers, else processes. @default "process"
   */
  runtime?: RuntimeChoice;
  /** The engine's address in DOCKER_HOST's forms (`unix:///run/podman/podman.sock`, `tcp://host:2375`). */
  engineHost?: string;
  /** ECS_IMAGE_PULL_BEHAVIOR: default, always, once or prefer-cached. @default "prefer-cached" */
  imagePullBehavior?: ImagePullBehavior;
}

export interface CompiledOptions {
  host: string;
  access?: AccessOptions;
  port: number;
  region: string;
  accountId: string;
  stateDir?: string;
  logger: Logger;
  hostEnv: Record<string, string>;
  commandAliases: Record<string, string[]>;
  images: ImageMapping[];
  defaultWorkingDirectory: string;
  provisioningDelayMs: { min: number; max: number };
  timeFactor: number;
  limitsEnabled: boolean;
  limits: Record<LimitName, BucketLimit>;
  capacity?: { cpu: number; memory: number };
  containerInstance: { instanceType: string; cpu: number; memory: number };
  faults: FaultRule[];
  seed: number;
  vpcs: VpcConfig[];
  stoppedTaskRetentionMs: number;
  shutdownGraceMs: number;
  observer?: (exchange: Exchange) => void;
  onRoute?: (route: { method: string | string[]; url: string }) => void;
  runtime: RuntimeChoice;
  engineHost?: string;
  imagePullBehavior: ImagePullBehavior;
}

const PROFILES: Record<ProvisioningProfile, { min: number; max: number }> = {
  instant: { min: 0, max: 0 },
  default: { min: 100, max: 500 },
  // Fargate tasks commonly sit 30–60 s in PROVISIONING/PENDING before RUNNING.
  fargate: { min: 30_000, max: 60_000 },
};

const nonNegative = (value: number | undefined, option: string): void => {
  if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
    throw new EcsLocalConfigError(`${option} must be a number ≥ 0, got ${value}.`, option);
  }
};

/** Fills every default once and rejects bad combinations, so the rest of ecs-local trusts its options. */
export function compileOptions(options: EcsLocalOptions): CompiledOptions {
  const port = options.port ?? 4566;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new EcsLocalConfigError(`port must be 0–65535, got ${port}.`, "port");
  const accountId = options.accountId ?? "000000000000";
  if (!/^\d{12}$/.test(accountId)) throw new EcsLocalConfigError(`accountId must be 12 digits, got ${accountId}.`, "accountId");
  const region = options.region ?? "us-east-1";
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new EcsLocalConfigError(`region looks wrong: ${region}.`, "region");
  const timeFactor = options.timeFactor ?? 1;
  nonNegative(timeFactor, "timeFactor");
  const profile = options.provisioningProfile ?? "default";
  if (!(profile in PROFILES)) throw new EcsLocalConfigError(`provisioningProfile must be one of ${Object.keys(PROFILES).join(", ")}.`, "provisioningProfile");
  const delay = options.provisioningDelayMs ?? PROFILES[profile];
  nonNegative(delay.min, "provisioningDelayMs.min");
  nonNegative(delay.max, "provisioningDelayMs.max");
  if (delay.max < delay.min) throw new EcsLocalConfigError("provisioningDelayMs.max must be ≥ min.", "provisioningDelayMs");
  const limits: Record<LimitName, BucketLimit> = { ...AWS_DEFAULT_LIMITS };
  const limitsOption = options.limits;
  if (limitsOption) {
    for (const [name, limit] of Object.entries(limitsOption.buckets ?? {}) as [LimitName, BucketLimit][]) {
      if (!(name in AWS_DEFAULT_LIMITS)) throw new EcsLocalConfigError(`Unknown limit ${name}; known: ${Object.keys(AWS_DEFAULT_LIMITS).join(", ")}.`, "limits");
      if (!(limit.burst >= 1) || !(limit.ratePerSecond > 0)) throw new EcsLocalConfigError(`Limit ${name} needs burst ≥ 1 and ratePerSecond > 0.`, "limits");
      limits[name] = { burst: limit.burst, ratePerSecond: limit.ratePerSecond };
    }
  }
  for (const rule of options.faults ?? []) validateFaultRule(rule);
  if (options.capacity) {
    nonNegative(options.capacity.cpu, "capacity.cpu");
    nonNegative(options.capacity.memory, "capacity.memory");
  }
  if (options.containerInstance) {
    if (options.containerInstance.cpu !== undefined) nonNegative(options.containerInstance.cpu, "containerInstance.cpu");
    if (options.containerInstance.memory !== undefined) nonNegative(options.containerInstance.memory, "containerInstance.memory");
    if (options.containerInstance.instanceType !== undefined && !/^[a-z0-9-]+\.[a-z0-9-]+$/.test(options.containerInstance.instanceType)) {
      throw new EcsLocalConfigError(`containerInstance.instanceType looks wrong: ${options.containerInstance.instanceType}.`, "containerInstance");
    }
  }
  if (options.stateDir !== undefined && !isAbsolute(options.stateDir)) {
    throw new EcsLocalConfigError(`stateDir must be an absolute path, got ${options.stateDir}.`, "stateDir");
  }
  const runtime = options.runtime ?? "process";
  if (!["auto", "docker", "process"].includes(runtime)) throw new EcsLocalConfigError(`runtime must be auto, docker or process, got ${runtime}.`, "runtime");
  if (options.engineHost !== undefined && !parseEngineAddress(options.engineHost)) {
    throw new EcsLocalConfigError(`engineHost should look like unix:///path/to/docker.sock or tcp://host:2375, got ${options.engineHost}.`, "engineHost");
  }
  const imagePullBehavior = options.imagePullBehavior ?? "prefer-cached";
  if (!["default", "always", "once", "prefer-cached"].includes(imagePullBehavior)) {
    throw new EcsLocalConfigError(`imagePullBehavior must be default, always, once or prefer-cached, got ${imagePullBehavior}.`, "imagePullBehavior");
  }
  const access = options.access;
  if (access !== undefined) {
    if (typeof access.accessKeyId !== "string" || !/^[A-Za-z0-9_-]{1,128}$/.test(access.accessKeyId)) {
      throw new EcsLocalConfigError("access.accessKeyId must be 1-128 letters, digits, - or _.", "access.accessKeyId");
    }
    for (const field of ["secretAccessKey", "adminToken"] as const) {
      const v = access[field];
      if (v !== undefined && (typeof v !== "string" || v.length < 8)) throw new EcsLocalConfigError(`access.${field} must be at least 8 characters.`, `access.${field}`);
    }
  }
  const hostEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.hostEnv ?? {})) if (v !== undefined) hostEnv[k] = v;
  return {
    host: options.host ?? "127.0.0.1",
    access: access && { ...access },
    port,
    region,
    accountId,
    stateDir: options.stateDir,
    logger: options.logger ?? pino({ level: "silent" }),
    hostEnv,
    commandAliases: { node: [process.execPath], ...(options.commandAliases ?? {}) },
    images: options.images ?? [],
    defaultWorkingDirectory: options.defaultWorkingDirectory ?? process.cwd(),
    provisioningDelayMs: { min: delay.min, max: delay.max },
    timeFactor,
    limitsEnabled: limitsOption === false ? false : (limitsOption?.enabled ?? true),
    limits,
    capacity: options.capacity,
    containerInstance: {
      instanceType: options.containerInstance?.instanceType ?? "m5.large",
      cpu: options.containerInstance?.cpu ?? options.capacity?.cpu ?? 2048,
      memory: options.containerInstance?.memory ?? options.capacity?.memory ?? 7680,
    },
    faults: [...(options.faults ?? [])],
    seed: options.seed ?? Math.floor(Math.random() * 2 ** 31),
    vpcs: options.network?.vpcs ?? [],
    stoppedTaskRetentionMs: options.stoppedTaskRetentionMs ?? 3_600_000,
    shutdownGraceMs: options.shutdownGraceMs ?? 10_000,
    observer: options.observer,
    onRoute: options.onRoute,
    runtime,
    engineHost: options.engineHost,
    imagePullBehavior,
  };
}

export function validateFaultRule(rule: FaultRule): void {
  const kinds: FaultKind[] = ["throttle", "server-error", "cannot-pull-container", "task-failed-to-start"];
  if (!kinds.includes(rule.kind)) throw new EcsLocalConfigError(`Fault kind must be one of ${kinds.join(", ")}, got ${rule.kind}.`, "faults");
  if (rule.fraction !== undefined && !(rule.fraction >= 0 && rule.fraction <= 1)) {
    throw new EcsLocalConfigError(`Fault fraction must be between 0 and 1, got ${rule.fraction}.`, "faults");
  }
  if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count >= 0)) {
    throw new EcsLocalConfigError(`Fault count must be a whole number ≥ 0, got ${rule.count}.`, "faults");
  }
}
