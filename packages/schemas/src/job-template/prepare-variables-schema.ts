// Turns a work pool's variables schema into the schema job variables are checked against,
// following Prefect's server (prefect.utilities.schema_tools.validation.preprocess_schema and
// prefect.server.api.validation):
//
// - null for an optional variable: Prefect rewrites every non-required property that has a `type`
//   to `anyOf: [type, null]` (allow_none_with_default=True for job variables), because its
//   templates come from pydantic models whose optional fields default to None. We do the same for
//   every non-required property, whatever its keywords (`enum`, `allOf`/`$ref` too), by wrapping
//   it as `if null then ok else <schema>`; in ecsflow null means "unset" (the renderer drops the
//   key), so accepting it for any optional variable is consistent. Required variables stay
//   non-nullable. This walks root properties, nested `properties` and `definitions`/`$defs`, as
//   Prefect does.
// - `env` values may be null: a null in a deployment's or flow run's `env` removes that variable
//   (see packages/worker/src/job-variables.ts), so `env.additionalProperties` is made nullable too.
// - tuples: pydantic v1 wrote `items: [a, b]`, which 2020-12 spells `prefixItems`.
// - ignoreRequired: deployment-level job variables are partial, so Prefect drops every `required`
//   before checking them; only the flow run (the last layer) must satisfy `required`.
// - `$schema`/`$id` at the root are dropped: the schema is always read as 2020-12, and an `$id`
//   would clash in Ajv's registry when two pools share it.

import type { JsonRecord, JsonValue } from "./types.js";

export interface PrepareVariablesSchemaOptions {
  ignoreRequired: boolean;
}

const isObject = (v: JsonValue | undefined): v is JsonRecord => v !== null && typeof v === "object" && !Array.isArray(v);

// Where subschemas live in a schema; everything else (`default`, `enum`, `examples`, …) is data
// and never rewritten.
const SCHEMA_MAPS = ["properties", "patternProperties", "definitions", "$defs", "dependentSchemas"];
const SCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"];
const SCHEMA_SINGLES = ["items", "additionalItems", "additionalProperties", "unevaluatedItems", "unevaluatedProperties", "contains", "propertyNames", "not", "if", "then", "else"];

function subschemas(schema: JsonRecord): JsonRecord[] {
  const out: JsonRecord[] = [];
  const add = (v: JsonValue | undefined) => {
    if (isObject(v)) out.push(v);
  };
  for (const k of SCHEMA_MAPS) if (isObject(schema[k])) Object.values(schema[k]).forEach(add);
  for (const k of SCHEMA_LISTS) if (Array.isArray(schema[k])) schema[k].forEach(add);
  for (const k of SCHEMA_SINGLES) {
    const v = schema[k];
    if (Array.isArray(v)) v.forEach(add);
    else add(v);
  }
  return out;
}

export function prepareVariablesSchema(schema: JsonRecord, options: PrepareVariablesSchemaOptions): JsonRecord {
  const out = structuredClone(schema);
  delete out.$schema;
  delete out.$id;
  fixTupleItems(out);
  const env = isObject(out.properties) ? out.properties.env : undefined;
  if (isObject(env) && isObject(env.additionalProperties)) env.additionalProperties = nullable(env.additionalProperties);
  makeOptionalPropertiesNullable(out);
  for (const key of ["definitions", "$defs"]) {
    const defs = out[key];
    if (isObject(defs)) for (const def of Object.values(defs)) if (isObject(def)) makeOptionalPropertiesNullable(def);
  }
  if (options.ignoreRequired) removeRequired(out);
  return out;
}

function nullable(schema: JsonRecord): JsonRecord {
  return { if: { type: "null" }, else: schema };
}

function makeOptionalPropertiesNullable(schema: JsonRecord): void {
  const properties = schema.properties;
  if (!isObject(properties)) return;
  const required = Array.isArray(schema.required) ? schema.required : [];
  for (const [name, property] of Object.entries(properties)) {
    if (!isObject(property)) continue;
    makeOptionalPropertiesNullable(property);
    if (!required.includes(name)) properties[name] = nullable(property);
  }
}

function fixTupleItems(schema: JsonRecord): void {
  // Children first: the tuple's own entries are still under `items` while we walk them.
  subschemas(schema).forEach(fixTupleItems);
  if (Array.isArray(schema.items) && schema.prefixItems === undefined) {
    schema.prefixItems = schema.items;
    delete schema.items;
  }
}

function removeRequired(schema: JsonRecord): void {
  delete schema.required;
  subschemas(schema).forEach(removeRequired);
}
