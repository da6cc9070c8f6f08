import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";

/** One entry of `deployments:` in ecsflow.yaml (the keys of Prefect's prefect.yaml). */
export interface DeploymentSpec {
  name: string;
  entrypoint: string;
  description?: string;
  version?: string;
  tags: string[];
  parameters: Record<string, unknown>;
  work_pool: { name: string; work_queue_name?: string; job_variables: Record<string, unknown> };
  schedules: { schedule: Record<string, unknown>; active: boolean }[];
  concurrency_limit?: number;
  enforce_parameter_schema?: boolean;
  /** Where the executor starts relative paths (ecsflow extension; default: the file's folder). */
  path?: string;
}

const KNOWN = new Set(["name", "entrypoint", "description", "version", "tags", "parameters", "work_pool", "schedules", "schedule", "concurrency_limit", "enforce_parameter_schema", "path", "pull", "build", "push"]);
const SCHEDULE_KEYS = new Set(["cron", "timezone", "day_or", "interval", "anchor_date", "rrule", "active"]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Reads and checks ecsflow.yaml; every problem names the file, the deployment and the field,
 * and all of them are reported at once.
 */
export function readProjectFile(file: string): DeploymentSpec[] {
  if (!existsSync(file)) throw new CliError(`No ${file}: run \`ecsflow init\` to write one, or pass --file.`, ExitCode.Usage);
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new CliError(`${file} is not valid YAML: ${err instanceof Error ? err.message : String(err)}`, ExitCode.Usage);
  }
  const errors: string[] = [];
  if (!isObject(doc) || !Array.isArray(doc.deployments)) throw new CliError(`${file}: expected a top-level \`deployments:\` list.`, ExitCode.Usage);
  const specs: DeploymentSpec[] = [];
  const seen = new Set<string>();
  doc.deployments.forEach((raw: unknown, i: number) => {
    const where = (field: string) => `${file}: deployment ${isObject(raw) && typeof raw.name === "string" ? `'${raw.name}'` : `#${i + 1}`}: ${field}`;
    if (!isObject(raw)) return void errors.push(`${file}: deployment #${i + 1}: must be a mapping of keys (name, entrypoint, work_pool, …)`);
    for (const key of Object.keys(raw)) if (!KNOWN.has(key)) errors.push(where(`${key}: unknown key (known: ${[...KNOWN].filter((k) => !["pull", "build", "push", "schedule"].includes(k)).join(", ")})`));
    const str = (key: string, required: boolean): string | undefined => {
      const v = raw[key];
      if (v === undefined || v === null) {
        if (required) errors.push(where(`${key}: is required`));
        return undefined;
      }
      if (typeof v !== "string" || v.trim() === "") errors.push(where(`${key}: must be a non-empty string`));
      return typeof v === "string" ? v : undefined;
    };
    const name = str("name", true) ?? "";
    if (name && seen.has(name)) errors.push(where("name: another deployment in this file has the same name"));
    seen.add(name);
    const entrypoint = str("entrypoint", true) ?? "";
    if (entrypoint && !/^[^:]+\.(ts|mts|js|mjs|cjs|cts):[A-Za-z_$][\w$]*$/.test(entrypoint)) errors.push(where(`entrypoint: must look like path/to/file.ts:exportedFlow, got '${entrypoint}'`));
    const description = str("description", false);
    const version = raw.version === undefined || raw.version === null ? undefined : String(raw.version);
    const path = str("path", false);
    let tags: string[] = [];
    if (raw.tags !== undefined && raw.tags !== null) {
      if (!Array.isArray(raw.tags) || raw.tags.some((t) => typeof t !== "string")) errors.push(where("tags: must be a list of strings"));
      else tags = raw.tags as string[];
    }
    let parameters: Record<string, unknown> = {};
    if (raw.parameters !== undefined && raw.parameters !== null) {
      if (!isObject(raw.parameters)) errors.push(where("parameters: must be a mapping of parameter names to default values"));
      else parameters = raw.parameters;
    }
    const wp = raw.work_pool;
    let work_pool: DeploymentSpec["work_pool"] = { name: "", job_variables: {} };
    if (!isObject(wp)) errors.push(where("work_pool: is required, with at least `name:`"));
    else {
      if (typeof wp.name !== "string" || wp.name === "") errors.push(where("work_pool.name: is required (the pool's name, see `ecsflow work-pool ls`)"));
      if (wp.work_queue_name !== undefined && wp.work_queue_name !== null && typeof wp.work_queue_name !== "string") errors.push(where("work_pool.work_queue_name: must be a string"));
      if (wp.job_variables !== undefined && wp.job_variables !== null && !isObject(wp.job_variables)) errors.push(where("work_pool.job_variables: must be a mapping (e.g. image, cpu, memory, env)"));
      work_pool = {
        name: String(wp.name ?? ""),
        work_queue_name: typeof wp.work_queue_name === "string" ? wp.work_queue_name : undefined,
        job_variables: isObject(wp.job_variables) ? wp.job_variables : {},
      };
    }
    const schedules: DeploymentSpec["schedules"] = [];
    const rawSchedules = raw.schedules ?? (raw.schedule ? [raw.schedule] : []);
    if (!Array.isArray(rawSchedules)) errors.push(where("schedules: must be a list"));
    else
      rawSchedules.forEach((s: unknown, j: number) => {
        const at = `schedules[${j}]`;
        if (!isObject(s)) return void errors.push(where(`${at}: must be a mapping with cron, interval or rrule`));
        for (const key of Object.keys(s)) if (!SCHEDULE_KEYS.has(key)) errors.push(where(`${at}.${key}: unknown key (known: ${[...SCHEDULE_KEYS].join(", ")})`));
        const kinds = ["cron", "interval", "rrule"].filter((k) => s[k] !== undefined);
        if (kinds.length !== 1) return void errors.push(where(`${at}: needs exactly one of cron, interval or rrule`));
        if (s.interval !== undefined && !(typeof s.interval === "number" && s.interval > 0)) errors.push(where(`${at}.interval: must be a positive number of seconds`));
        if (s.cron !== undefined && typeof s.cron !== "string") errors.push(where(`${at}.cron: must be a string such as '0 9 * * *'`));
        if (s.rrule !== undefined && typeof s.rrule !== "string") errors.push(where(`${at}.rrule: must be an RFC 5545 string`));
        if (s.active !== undefined && typeof s.active !== "boolean") errors.push(where(`${at}.active: must be true or false`));
        const { active, ...schedule } = s;
        schedules.push({ schedule, active: active !== false });
      });
    let concurrency_limit: number | undefined;
    if (raw.concurrency_limit !== undefined && raw.concurrency_limit !== null) {
      if (!Number.isInteger(raw.concurrency_limit) || (raw.concurrency_limit as number) < 1) errors.push(where("concurrency_limit: must be a whole number of at least 1"));
      else concurrency_limit = raw.concurrency_limit as number;
    }
    if (raw.enforce_parameter_schema !== undefined && typeof raw.enforce_parameter_schema !== "boolean") errors.push(where("enforce_parameter_schema: must be true or false"));
    specs.push({ name, entrypoint, description, version, tags, parameters, work_pool, schedules, concurrency_limit, path, enforce_parameter_schema: raw.enforce_parameter_schema as boolean | undefined });
  });
  if (errors.length) throw new CliError(`${file} has ${errors.length} problem(s):\n  ${errors.join("\n  ")}`, ExitCode.Usage);
  return specs;
}
