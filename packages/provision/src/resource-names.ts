// The names provision gives its resources, derived from the pool's name so that a second run (and
// teardown) finds the same ones without any local state.

/** IAM role names: letters, digits and +=,.@_- , at most 64 characters. */
const roleSafe = (s: string) => s.replace(/[^\w+=,.@-]+/g, "-");
/** ECS cluster/service/family names: letters, digits, - and _ , at most 255. */
const ecsSafe = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, "-");

export interface ResourceNames {
  pool: string;
  cluster: string;
  logGroup: string;
  executionRole: string;
  workerRole: string;
  secret: string;
  family: string;
  service: string;
  /** The SQS queue ECS Task State Change events reach the worker through, and the rule sending them. */
  taskEventsQueue: string;
  taskEventsRule: string;
}

export function resourceNames(pool: string, cluster?: string): ResourceNames {
  const base = ecsSafe(pool).slice(0, 40);
  const roleBase = roleSafe(pool).slice(0, 40);
  return {
    pool,
    cluster: cluster ?? `ecsflow-${base}`,
    logGroup: `/ecsflow/${ecsSafe(pool)}`,
    executionRole: `ecsflow-${roleBase}-execution`,
    workerRole: `ecsflow-${roleBase}-worker`,
    secret: `ecsflow/${ecsSafe(pool)}/api-key`,
    family: `ecsflow-worker-${base}`,
    service: `ecsflow-worker-${base}`,
    // SQS queue names: letters, digits, - and _, at most 80; rule names: also ".", at most 64.
    taskEventsQueue: `ecsflow-${base}-task-events`,
    taskEventsRule: `ecsflow-${base}-task-events`,
  };
}

/** Tags on everything provision creates: teardown deletes only what carries both. */
export const MANAGED_TAG = "ecsflow.io/managed";
export const POOL_TAG = "ecsflow.io/pool";
/** On the worker's task definition: the hash of what was registered, so a rerun knows it is current. */
export const SPEC_TAG = "ecsflow.io/spec-hash";
/** The work pool's description when provision created it (pools have no tags). */
export const POOL_DESCRIPTION = "Created by `ecsflow ecs provision`.";

export function managedTags(pool: string): { key: string; value: string }[] {
  return [
    { key: MANAGED_TAG, value: "true" },
    { key: POOL_TAG, value: pool.slice(0, 256) },
  ];
}

/** True when these tags (any casing of key/value fields) mark a resource provision made for `pool`. */
export function isManagedFor(tags: { key?: string; value?: string; Key?: string; Value?: string }[] | Record<string, string> | undefined, pool: string): boolean {
  const map: Record<string, string | undefined> = Array.isArray(tags) ? Object.fromEntries(tags.map((t) => [t.key ?? t.Key, t.value ?? t.Value])) : (tags ?? {});
  return map[MANAGED_TAG] === "true" && map[POOL_TAG] === pool.slice(0, 256);
}
