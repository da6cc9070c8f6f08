// Merging a flow run's job variables from their layers, lowest first:
//   template defaults  <- work pool defaults  <- deployment job_variables  <- flow run job_variables
// following Prefect's worker (BaseJobConfiguration.resolve_for_flow_run and
// from_template_and_values):
// - A later layer replaces a variable whole, except `env`, which merges by key across all layers
//   (so a deployment adding one variable keeps the template's others).
// - null means "unset": `image: null` in a deployment drops the template's default image, and
//   `env: { FOO: null }` removes FOO (also one the worker would stamp, such as PREFECT_API_KEY).
//   The null stays in the merged `env` as a removal marker; `appliedValues` strips it.
// - Dotted keys are paths: `{"env.FOO": "x"}` is `{env: {FOO: "x"}}`; within one layer the nested
//   spelling wins over the dotted one. Prefect expands dotted keys after merging the deployment and
//   flow-run layers; we expand each layer first, so `env.FOO` in a flow run merges with a
//   deployment's `env` like `env: {FOO}` would.
// - Each variable remembers the layer that set it, so an error can say where to fix it.

import { placeholderPath, type JsonRecord, type JsonValue } from "@ecsflow/schemas";
import { setOwn } from "./set-own.js";

export type JobVariableLayer = "template default" | "work pool" | "deployment" | "flow run";

export interface MergedJobVariables {
  /** All variables after merging; `env` may hold nulls (removal markers). */
  values: JsonRecord;
  /** The layer that last set each top-level variable. */
  sources: Record<string, JobVariableLayer>;
  /** The layer that last set each `env` key. */
  envSources: Record<string, JobVariableLayer>;
}

const isObject = (v: JsonValue | undefined): v is JsonRecord => v !== null && typeof v === "object" && !Array.isArray(v);

export function mergeJobVariables(layers: { layer: JobVariableLayer; variables: JsonRecord | null | undefined }[]): MergedJobVariables {
  const values: JsonRecord = {};
  const sources: Record<string, JobVariableLayer> = {};
  const envSources: Record<string, JobVariableLayer> = {};
  for (const { layer, variables } of layers) {
    if (!variables) continue;
    for (const [name, value] of Object.entries(expandDottedKeys(variables))) {
      setOwn(sources, name, layer);
      if (name === "env" && isObject(value)) {
        const base = isObject(values.env) ? values.env : {};
        values.env = { ...base, ...structuredClone(value) };
        for (const key of Object.keys(value)) setOwn(envSources, key, layer);
      } else {
        setOwn(values, name, structuredClone(value));
        if (name === "env") for (const key of Object.keys(envSources)) delete envSources[key];
      }
    }
  }
  return { values, sources, envSources };
}

/** The variables as placeholders see them: unset (null) variables and env entries removed. */
export function appliedValues(merged: JsonRecord): JsonRecord {
  const out: JsonRecord = {};
  for (const [name, value] of Object.entries(merged)) {
    if (value === null) continue;
    setOwn(out, name, name === "env" && isObject(value) ? Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null)) : value);
  }
  return out;
}

/** `{"env.FOO": "x", "a.b": 1}` -> `{env: {FOO: "x"}, a: {b: 1}}`; plain keys deep-merge over dotted ones. */
export function expandDottedKeys(variables: JsonRecord): JsonRecord {
  const out: JsonRecord = {};
  for (const [key, value] of Object.entries(variables)) {
    if (!key.includes(".")) continue;
    const path = placeholderPath(key);
    let cur = out;
    for (const seg of path.slice(0, -1)) {
      if (!Object.hasOwn(cur, seg) || !isObject(cur[seg])) setOwn(cur, seg, {});
      cur = cur[seg] as JsonRecord;
    }
    setOwn(cur, path[path.length - 1], value);
  }
  for (const [key, value] of Object.entries(variables)) {
    if (key.includes(".")) continue;
    const known = Object.hasOwn(out, key) ? out[key] : undefined;
    setOwn(out, key, isObject(known) && isObject(value) ? deepMerge(known, value) : value);
  }
  return out;
}

function deepMerge(base: JsonRecord, over: JsonRecord): JsonRecord {
  const out: JsonRecord = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const known = Object.hasOwn(out, k) ? out[k] : undefined;
    setOwn(out, k, isObject(known) && isObject(v) ? deepMerge(known, v) : v);
  }
  return out;
}
