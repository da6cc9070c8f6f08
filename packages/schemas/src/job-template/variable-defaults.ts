// The values a variables schema gives when no job variable is set: each top-level property's
// `default`. Like Prefect's worker (BaseJobConfiguration._get_base_config_defaults), a null default
// counts as no default: the renderer treats the variable as unset and drops the keys it fills.

import type { JsonRecord, JsonValue } from "./types.js";

export function variableDefaults(variablesSchema: JsonRecord): JsonRecord {
  const properties = variablesSchema.properties;
  const out: JsonRecord = {};
  if (properties === null || typeof properties !== "object" || Array.isArray(properties)) return out;
  for (const [name, property] of Object.entries(properties)) {
    if (property === null || typeof property !== "object" || Array.isArray(property)) continue;
    const value: JsonValue | undefined = property.default;
    if (value !== undefined && value !== null) out[name] = structuredClone(value);
  }
  return out;
}
