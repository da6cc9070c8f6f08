import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { mkdtempSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";
import { parsePort, parsePositiveNumber } from "../../parse-options.js";
import { resolveStartOptions } from "../ecs-local/start-options.js";

/** The flags `ecsflow up` and `ecsflow demo` share. */
export interface UpFlags {
  port?: string;
  ecsPort?: string;
  dataDir?: string;
  pool?: string;
  json?: boolean;
  demo?: boolean;
  timeout?: string;
  runtime?: string;
  engineHost?: string;
  apiKey?: string;
  generateApiKey?: boolean;
}

export interface UpOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  ecsPort: number;
  /** SQLite file and ecs-local's state live here. */
  dataDir: string;
  /** A fresh folder made for this command (`ecsflow demo`), removed when it stops. */
  temporaryDataDir: boolean;
  pool: string;
  json: boolean;
  /** How long the demo run may take before the demo gives up on it. */
  demoTimeoutMs: number;
  /** ecs-local's --runtime and --engine-host, checked by ecs-local start's own option parser. */
  runtime?: string;
  engineHost?: string;
  /** The server requires it; the worker and flow runs get it from Secrets Manager. */
  apiKey?: string;
  /** `--generate-api-key`: the key was made here and is printed once. */
  apiKeyGenerated: boolean;
  /**
   * What ecsflow up's own AWS calls sign with. With an API key, ecs-local (whose Secrets Manager
   * then holds it) accepts only this pair and task role credentials, and its admin routes need `adminToken`.
   */
  aws: LocalAws;
}

export interface LocalAws {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Set when ecs-local requires credentials. */
  adminToken?: string;
}

/** ecs-local's placeholder credentials (it accepts any well-formed SigV4 signature when started without access credentials) and Region. */
export const LOCAL_AWS: LocalAws = { region: "us-east-1", credentials: { accessKeyId: "ecs-local", secretAccessKey: "ecs-local" } };

export const DEFAULT_POOL = "local-ecs";
const DEFAULT_DEMO_TIMEOUT_S = 120;

/** The repository's `bin/ecsflow.js`: what `ecsflow` in a task's command runs on this machine. */
export const BIN_PATH = fileURLToPath(new URL("../../../bin/ecsflow.js", import.meta.url));

/**
 * Checks every flag before anything starts. `ecsflow demo` defaults to free ports and a throwaway
 * data folder, so that it never collides with an `ecsflow up` already running on this machine.
 */
export function resolveUpOptions(flags: UpFlags, env: Record<string, string | undefined>, mode: "up" | "demo"): UpOptions {
  const pool = flags.pool ?? DEFAULT_POOL;
  // Provision derives IAM, ECS and log group names from it; keep it to what all of them accept.
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/.test(pool)) throw new CliError(`--pool must be 1-40 letters, digits, - or _ (starting with a letter or digit), got "${pool}".`, ExitCode.Usage);
  const defaultPort = mode === "demo" ? "0" : "4200";
  const defaultEcsPort = mode === "demo" ? "0" : "4566";
  const port = parsePort(flags.port ?? defaultPort, "--port");
  const ecsPort = parsePort(flags.ecsPort ?? defaultEcsPort, "--ecs-port");
  if (port !== 0 && port === ecsPort) throw new CliError(`--port and --ecs-port are both ${port}; give them different ports (0 picks a free one).`, ExitCode.Usage);
  const demoTimeoutMs = parsePositiveNumber(flags.timeout ?? String(DEFAULT_DEMO_TIMEOUT_S), "--timeout") * 1000;
  let dataDir: string;
  let temporaryDataDir = false;
  if (flags.dataDir !== undefined) {
    if (flags.dataDir.trim() === "") throw new CliError("--data-dir names no folder.", ExitCode.Usage);
    dataDir = resolve(flags.dataDir);
  } else if (mode === "demo") {
    dataDir = mkdtempSync(join(tmpdir(), "ecsflow-demo-"));
    temporaryDataDir = true;
  } else {
    dataDir = env.ECSFLOW_HOME ? resolve(env.ECSFLOW_HOME) : join(homedir(), ".ecsflow");
  }
  if (flags.runtime !== undefined && !["auto", "docker", "process"].includes(flags.runtime)) {
    throw new CliError(`--runtime must be auto, docker or process, got "${flags.runtime}".`, ExitCode.Usage);
  }
  if (flags.apiKey !== undefined && flags.generateApiKey) throw new CliError("Pass --api-key or --generate-api-key, not both.", ExitCode.Usage);
  if (flags.apiKey !== undefined && !/^[\x21-\x7e]{16,}$/.test(flags.apiKey)) throw new CliError("--api-key must be at least 16 printable characters without spaces.", ExitCode.Usage);
  const apiKey = flags.generateApiKey ? `pnu_${randomBytes(24).toString("base64url")}` : flags.apiKey;
  const aws: LocalAws = apiKey
    ? { region: LOCAL_AWS.region, credentials: { accessKeyId: "ecsflowup", secretAccessKey: randomBytes(24).toString("base64url") }, adminToken: randomBytes(24).toString("base64url") }
    : LOCAL_AWS;
  return { host: "127.0.0.1", port, ecsPort, dataDir, temporaryDataDir, pool, json: Boolean(flags.json), demoTimeoutMs, runtime: flags.runtime, engineHost: flags.engineHost, apiKey, apiKeyGenerated: Boolean(flags.generateApiKey), aws };
}

/**
 * ecs-local's options for `up`, built exactly as `ecsflow ecs-local start` builds them (images of
 * ecsflow map to this repository, `ecsflow` in a command to this build), so an option added there
 * (and its ECSFLOW_ECS_LOCAL_* variable) applies here too. Tasks keep their state under the data folder and
 * read the same ecsflow profile as `up` (ECSFLOW_HOME).
 */
export function ecsLocalOptions(options: UpOptions, env: Record<string, string | undefined>) {
  const resolved = resolveStartOptions(
    { host: options.host, port: String(options.ecsPort), stateDir: join(options.dataDir, "ecs-local"), runtime: options.runtime, engineHost: options.engineHost },
    env,
    BIN_PATH,
  );
  const access = options.aws.adminToken ? { accessKeyId: options.aws.credentials.accessKeyId, secretAccessKey: options.aws.credentials.secretAccessKey, adminToken: options.aws.adminToken } : resolved.access;
  return { ...resolved, access, hostEnv: { ...resolved.hostEnv, ECSFLOW_HOME: options.dataDir } };
}
