import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";

/**
 * Turns `ecsflow ecs-local start` flags and ECSFLOW_ECS_LOCAL_* variables into ecs-local's typed
 * options (flag > environment > default). ecs-local itself never reads the environment.
 */
export interface StartFlags {
  host?: string;
  port?: string;
  stateDir?: string;
  region?: string;
  accountId?: string;
  profile?: string;
  provisioningDelay?: string;
  timeFactor?: string;
  limits?: boolean;
  limit?: string[];
  capacity?: string;
  fault?: string[];
  imagesFile?: string;
  networkFile?: string;
  passEnv?: string[];
  seed?: string;
  shutdownGrace?: string;
  runtime?: string;
  engineHost?: string;
  imagePullBehavior?: string;
  accessKeyId?: string;
  json?: boolean;
}

/** Environment names, one per flag. */
export const ENV = {
  host: "ECSFLOW_ECS_LOCAL_HOST",
  port: "ECSFLOW_ECS_LOCAL_PORT",
  stateDir: "ECSFLOW_ECS_LOCAL_STATE_DIR",
  region: "ECSFLOW_ECS_LOCAL_REGION",
  accountId: "ECSFLOW_ECS_LOCAL_ACCOUNT_ID",
  profile: "ECSFLOW_ECS_LOCAL_PROFILE",
  provisioningDelay: "ECSFLOW_ECS_LOCAL_PROVISIONING_DELAY",
  timeFactor: "ECSFLOW_ECS_LOCAL_TIME_FACTOR",
  limits: "ECSFLOW_ECS_LOCAL_LIMITS",
  capacity: "ECSFLOW_ECS_LOCAL_CAPACITY",
  faults: "ECSFLOW_ECS_LOCAL_FAULTS",
  imagesFile: "ECSFLOW_ECS_LOCAL_IMAGES_FILE",
  networkFile: "ECSFLOW_ECS_LOCAL_NETWORK_FILE",
  passEnv: "ECSFLOW_ECS_LOCAL_PASS_ENV",
  runtime: "ECSFLOW_ECS_LOCAL_RUNTIME",
  // The names Docker's own tools and the ECS agent read.
  engineHost: "DOCKER_HOST",
  imagePullBehavior: "ECS_IMAGE_PULL_BEHAVIOR",
  // Secrets come from the environment only: a flag would show in `ps`.
  accessKeyId: "ECSFLOW_ECS_LOCAL_ACCESS_KEY_ID",
  secretAccessKey: "ECSFLOW_ECS_LOCAL_SECRET_ACCESS_KEY",
  adminToken: "ECSFLOW_ECS_LOCAL_ADMIN_TOKEN",
} as const;

/** Host variables every task process gets (a container would have its own PATH, HOME, …). */
const BASE_PASS_ENV = ["PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR"];

const usage = (message: string) => new CliError(message, ExitCode.Usage);

function number(raw: string | undefined, what: string, check: (n: number) => boolean = (n) => Number.isFinite(n)): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!check(n)) throw usage(`${what} must be a valid number, got "${raw}".`);
  return n;
}

function readJsonFile(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(resolve(path), "utf8"));
  } catch (err) {
    throw usage(`Cannot read ${what} from ${path}: ${(err as Error).message}`);
  }
}

/** `kind[:operation][@fraction][*count]`, e.g. `throttle:RunTask@0.1`, `cannot-pull-container@0.5*3`. */
export function parseFault(spec: string): { kind: string; operation?: string; fraction?: number; count?: number } {
  const m = /^([a-z-]+)(?::([A-Za-z0-9:]+))?(?:@([0-9.]+))?(?:\*(\d+))?$/.exec(spec.trim());
  if (!m) throw usage(`Fault "${spec}" should look like kind[:Operation][@fraction][*count], e.g. throttle:RunTask@0.1.`);
  return { kind: m[1], operation: m[2], fraction: m[3] === undefined ? undefined : Number(m[3]), count: m[4] === undefined ? undefined : Number(m[4]) };
}

/** `name=burst/rate`, e.g. `runTaskStopTask=100/40`. */
export function parseLimit(spec: string): [string, { burst: number; ratePerSecond: number }] {
  const m = /^([A-Za-z]+)=(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(spec.trim());
  if (!m) throw usage(`Limit "${spec}" should look like name=burst/ratePerSecond, e.g. runTaskStopTask=100/40.`);
  return [m[1], { burst: Number(m[2]), ratePerSecond: Number(m[3]) }];
}

export function resolveStartOptions(flags: StartFlags, env: Record<string, string | undefined>, binPath: string) {
  const pick = (flag: string | undefined, name: string) => (flag !== undefined ? flag : env[name] !== "" ? env[name] : undefined);
  const port = number(pick(flags.port, ENV.port), "--port", (n) => Number.isInteger(n) && n >= 0 && n <= 65535);
  const timeFactor = number(pick(flags.timeFactor, ENV.timeFactor), "--time-factor", (n) => n >= 0);
  const profile = pick(flags.profile, ENV.profile);
  if (profile !== undefined && !["instant", "default", "fargate"].includes(profile)) throw usage(`--profile must be instant, default or fargate, got "${profile}".`);
  let provisioningDelayMs: { min: number; max: number } | undefined;
  const delay = pick(flags.provisioningDelay, ENV.provisioningDelay);
  if (delay !== undefined) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(delay);
    if (!m) throw usage(`--provisioning-delay takes MIN-MAX milliseconds (or one number), got "${delay}".`);
    provisioningDelayMs = { min: Number(m[1]), max: Number(m[2] ?? m[1]) };
    if (provisioningDelayMs.max < provisioningDelayMs.min) throw usage("--provisioning-delay MAX must be ≥ MIN.");
  }
  const limitsEnv = env[ENV.limits];
  const limitsOn = flags.limits === false ? false : limitsEnv !== undefined && /^(0|false|off|no)$/i.test(limitsEnv) ? false : true;
  const buckets = Object.fromEntries((flags.limit ?? []).map(parseLimit));
  let capacity: { cpu: number; memory: number } | undefined;
  const cap = pick(flags.capacity, ENV.capacity);
  if (cap !== undefined) {
    const m = /^(\d+),(\d+)$/.exec(cap);
    if (!m) throw usage(`--capacity takes CPU_UNITS,MEMORY_MIB, e.g. 4096,8192; got "${cap}".`);
    capacity = { cpu: Number(m[1]), memory: Number(m[2]) };
  }
  const faultSpecs = flags.fault?.length ? flags.fault : (env[ENV.faults] ?? "").split(",").filter((s) => s.trim() !== "");
  const imagesFile = pick(flags.imagesFile, ENV.imagesFile);
  const networkFile = pick(flags.networkFile, ENV.networkFile);
  const stateDir = pick(flags.stateDir, ENV.stateDir);
  const passEnv = [...BASE_PASS_ENV, ...(flags.passEnv ?? []), ...(env[ENV.passEnv] ?? "").split(",").filter(Boolean)];
  const hostEnv: Record<string, string> = {};
  for (const name of passEnv) if (env[name] !== undefined) hostEnv[name] = env[name] as string;
  const ecsflow = [process.execPath, binPath];
  const runtime = pick(flags.runtime, ENV.runtime) ?? "auto";
  if (!["auto", "docker", "process"].includes(runtime)) throw usage(`--runtime must be auto, docker or process, got "${runtime}".`);
  const imagePullBehavior = pick(flags.imagePullBehavior, ENV.imagePullBehavior);
  if (imagePullBehavior !== undefined && !["default", "always", "once", "prefer-cached"].includes(imagePullBehavior)) {
    throw usage(`--image-pull-behavior must be default, always, once or prefer-cached, got "${imagePullBehavior}".`);
  }
  const accessKeyId = pick(flags.accessKeyId, ENV.accessKeyId);
  const secretAccessKey = pick(undefined, ENV.secretAccessKey);
  const adminToken = pick(undefined, ENV.adminToken);
  if (accessKeyId === undefined && (secretAccessKey !== undefined || adminToken !== undefined)) {
    throw usage(`${ENV.secretAccessKey} and ${ENV.adminToken} need an access key id (--access-key-id or ${ENV.accessKeyId}).`);
  }
  return {
    access: accessKeyId === undefined ? undefined : { accessKeyId, secretAccessKey, adminToken },
    runtime: runtime as "auto" | "docker" | "process",
    engineHost: pick(flags.engineHost, ENV.engineHost),
    imagePullBehavior: imagePullBehavior as "default" | "always" | "once" | "prefer-cached" | undefined,
    host: pick(flags.host, ENV.host) ?? "127.0.0.1",
    port: port ?? 4566,
    stateDir: stateDir === undefined ? undefined : resolve(stateDir),
    region: pick(flags.region, ENV.region),
    accountId: pick(flags.accountId, ENV.accountId),
    provisioningProfile: profile as "instant" | "default" | "fargate" | undefined,
    provisioningDelayMs,
    timeFactor,
    limits: limitsOn ? { enabled: true, buckets } : (false as const),
    capacity,
    faults: faultSpecs.map(parseFault) as { kind: "throttle" | "server-error" | "cannot-pull-container" | "task-failed-to-start"; operation?: string; fraction?: number; count?: number }[],
    // ecsflow's own runtime image runs this build, from its folder (the image's WORKDIR); `ecsflow`
    // and `node` in any container command resolve to it through the aliases below.
    images: [
      ...((imagesFile ? readJsonFile(imagesFile, "image mappings") : []) as []),
      ...["ecsflow", "ecsflow:*", "*/ecsflow", "*/ecsflow:*"].map((image) => ({ image, workingDirectory: dirname(dirname(binPath)) })),
    ],
    commandAliases: { ecsflow: ecsflow, node: [process.execPath] },
    network: networkFile ? (readJsonFile(networkFile, "network configuration") as { vpcs?: [] }) : undefined,
    hostEnv,
    seed: number(flags.seed, "--seed", Number.isInteger),
    shutdownGraceMs: number(flags.shutdownGrace, "--shutdown-grace", (n) => n >= 0),
  };
}
