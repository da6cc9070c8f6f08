// The identity of a task definition: its canonical form and a hash of it. Two definitions with
// the same canonical form run the same way, so ecsflow registers each hash at most once (DESIGN.md,
// lesson 1: Prefect's worker registered a revision on nearly every run until AWS refused).
//
// Canonical form (what AWS would store, minus what AWS adds):
// - AWS's post-registration fields dropped: taskDefinitionArn, revision, status, requiresAttributes,
//   compatibilities, registeredAt, registeredBy, deregisteredAt (and tags, which are not content).
// - Defaults AWS fills made explicit: networkMode "bridge", each container's essential true,
//   portMappings' protocol "tcp" (and hostPort = containerPort in awsvpc/host mode); a container
//   cpu of 0 (AWS's default) dropped.
// - Task cpu/memory as AWS stores them: strings of CPU units / MiB ("1 vCPU" → "1024").
// - Lists ECS treats as sets sorted: environment and secrets by name, environmentFiles by value,
//   requiresCompatibilities.
// - Empty values dropped recursively (null, "", [], {}); false and 0 kept (stopTimeout 0 differs
//   from the default).
// - Object keys sorted, so member order never matters.

import { createHash } from "node:crypto";

const POST_REGISTRATION_FIELDS = ["taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt", "registeredBy", "deregisteredAt", "tags"];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function units(value: unknown, unitPattern: RegExp): unknown {
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") return value;
  const m = new RegExp(`^\\s*(\\d+(?:\\.\\d+)?)\\s*(${unitPattern.source})?\\s*$`, "i").exec(value);
  if (!m) return value;
  return String(m[2] ? Math.round(Number(m[1]) * 1024) : Number(m[1]));
}

const byKey = (key: string) => (a: unknown, b: unknown) => {
  const x = isObject(a) ? String(a[key] ?? "") : "";
  const y = isObject(b) ? String(b[key] ?? "") : "";
  return x < y ? -1 : x > y ? 1 : 0;
};

function dropEmpty(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(dropEmpty).filter((v) => v !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = dropEmpty(value[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (value === null || value === undefined || value === "") return undefined;
  return value;
}

/** The canonical form of a task definition (as registered, or as described by AWS). */
export function canonicalTaskDefinition(definition: Record<string, unknown>): Record<string, Json> {
  const td = structuredClone(definition);
  for (const field of POST_REGISTRATION_FIELDS) delete td[field];
  td.networkMode ??= "bridge";
  if (td.cpu !== undefined) td.cpu = units(td.cpu, /vcpu/);
  if (td.memory !== undefined) td.memory = units(td.memory, /gb/);
  if (Array.isArray(td.requiresCompatibilities)) td.requiresCompatibilities = [...(td.requiresCompatibilities as string[])].sort();
  const containers = Array.isArray(td.containerDefinitions) ? (td.containerDefinitions as unknown[]) : [];
  td.containerDefinitions = containers.map((raw) => {
    if (!isObject(raw)) return raw;
    const c = { ...raw };
    c.essential ??= true;
    if (c.cpu === 0) delete c.cpu;
    if (Array.isArray(c.environment)) c.environment = [...c.environment].sort(byKey("name"));
    if (Array.isArray(c.secrets)) c.secrets = [...c.secrets].sort(byKey("name"));
    if (Array.isArray(c.environmentFiles)) c.environmentFiles = [...c.environmentFiles].sort(byKey("value"));
    if (Array.isArray(c.portMappings)) {
      c.portMappings = c.portMappings.map((p) => {
        if (!isObject(p)) return p;
        const m = { ...p };
        m.protocol ??= "tcp";
        if (m.hostPort === undefined && (td.networkMode === "awsvpc" || td.networkMode === "host")) m.hostPort = m.containerPort;
        return m;
      });
    }
    return c;
  });
  return (dropEmpty(td) ?? {}) as Record<string, Json>;
}

/** JSON with sorted keys (canonicalTaskDefinition already sorts; this keeps hashing independent of that). */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`).join(",")}}`;
  return JSON.stringify(value);
}

/** sha256 (hex) of the canonical form: equal for definitions that run the same way. */
export function taskDefinitionHash(definition: Record<string, unknown>): string {
  return createHash("sha256").update(stableJson(canonicalTaskDefinition(definition))).digest("hex");
}

/** The tag ecsflow puts on each task definition it registers, holding taskDefinitionHash(). */
export const TASK_DEFINITION_HASH_TAG = "ecsflow.io/task-definition-hash";

/** Top-level keys whose canonical values differ (for a log line saying why a definition is not reused). */
export function differingKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const ca = canonicalTaskDefinition(a);
  const cb = canonicalTaskDefinition(b);
  return [...new Set([...Object.keys(ca), ...Object.keys(cb)])].filter((k) => stableJson(ca[k]) !== stableJson(cb[k])).sort();
}
