// Checks job variables (a deployment's, a flow run's, or all layers merged) against a work pool's
// variables schema, as Prefect's server does (prefect.server.api.validation):
//
// - Variables the schema does not declare are allowed unless the schema says
//   `additionalProperties: false`: Prefect validates against the schema as written, and its default
//   templates leave additional properties open (the renderer simply never reads them).
// - null is accepted for any variable not listed in `required`, and for `env` values; see
//   prepare-variables-schema.ts for why and exactly where.
// - `ignoreRequired` is for partial layers (a deployment's job variables); the merged variables of
//   a flow run are checked with `required` enforced.
//
// Compiled validators are cached by schema identity first and then by content, since the server
// parses a fresh copy of the same template on every request.

import type { ValidateFunction } from "ajv/dist/2020.js";
import { jsonSchemaAjv, type AjvErrorObject } from "./json-schema-ajv.js";
import { prepareVariablesSchema } from "./prepare-variables-schema.js";
import { stableStringify } from "./stable-stringify.js";
import type { JsonRecord, JsonValue, TemplateError } from "./types.js";

export interface ValidateJobVariablesOptions {
  /** Skip `required` everywhere in the schema (for a deployment's partial job variables). */
  ignoreRequired?: boolean;
}

type Compiled = { validate: ValidateFunction } | { error: string };

const MAX_CACHED_SCHEMAS = 256;
const byIdentity = new WeakMap<object, Map<string, Compiled>>();
const byContent = new Map<string, { compiled: Compiled; schema: JsonRecord }>();

export function validateJobVariables(
  variablesSchema: JsonRecord,
  jobVariables: JsonRecord,
  options: ValidateJobVariablesOptions = {},
): TemplateError[] {
  const compiled = compiledFor(variablesSchema, options.ignoreRequired === true);
  if ("error" in compiled) return [{ loc: [], msg: `the work pool's variables schema cannot be used: ${compiled.error}` }];
  if (compiled.validate(jobVariables)) return [];
  return toTemplateErrors(compiled.validate.errors ?? [], jobVariables);
}

/** Compiles (or fetches) the validator for a variables schema; exposed for template validation. */
export function compiledFor(variablesSchema: JsonRecord, ignoreRequired: boolean): Compiled {
  const mode = ignoreRequired ? "partial" : "full";
  let perSchema = byIdentity.get(variablesSchema);
  const hit = perSchema?.get(mode);
  if (hit) return hit;

  const key = `${mode}:${stableStringify(variablesSchema)}`;
  let entry = byContent.get(key);
  if (!entry) {
    const prepared = prepareVariablesSchema(variablesSchema, { ignoreRequired });
    let compiled: Compiled;
    try {
      compiled = { validate: jsonSchemaAjv.compile(prepared) };
    } catch (err) {
      compiled = { error: err instanceof Error ? err.message : String(err) };
    }
    entry = { compiled, schema: prepared };
    byContent.set(key, entry);
    if (byContent.size > MAX_CACHED_SCHEMAS) evictOldest();
  }
  if (!perSchema) {
    perSchema = new Map();
    byIdentity.set(variablesSchema, perSchema);
  }
  perSchema.set(mode, entry.compiled);
  return entry.compiled;
}

function evictOldest(): void {
  const [oldestKey, oldest] = byContent.entries().next().value as [string, { schema: JsonRecord }];
  byContent.delete(oldestKey);
  // Ajv keeps every compiled schema in its own cache, keyed by the schema object.
  jsonSchemaAjv.removeSchema(oldest.schema);
}

/**
 * Ajv's errors as `{loc, msg}`, one per problem, named by field. Alternatives collapse into one
 * message per field: `anyOf: [boolean, string]` given 3 reads "must be boolean or string, not
 * number 3", not three lines.
 */
export function toTemplateErrors(errors: AjvErrorObject[], data: JsonValue): TemplateError[] {
  const out: TemplateError[] = [];
  const typesAt = new Map<string, { error: TemplateError; types: string[] }>();
  const constsAt = new Map<string, { error: TemplateError; allowed: string[] }>();
  const seen = new Set<string>();
  const push = (loc: (string | number)[], msg: string) => {
    const key = JSON.stringify([loc, msg]);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ loc, msg });
  };
  for (const e of errors) {
    // `if` errors come from the nullable wrapper ("must match else schema"); the errors of the
    // wrapped schema itself follow and say what is wrong.
    if (e.keyword === "if") continue;
    const loc = instanceLoc(e.instancePath, data);
    if (e.keyword === "type") {
      const key = JSON.stringify(loc);
      const types = String(e.params.type).split(",");
      const known = typesAt.get(key);
      if (known) {
        for (const t of types) if (!known.types.includes(t)) known.types.push(t);
        known.error.msg = typeMessage(known.types, valueAt(data, loc));
      } else {
        const error = { loc, msg: typeMessage(types, valueAt(data, loc)) };
        typesAt.set(key, { error, types });
        out.push(error);
      }
    } else if (e.keyword === "required") {
      push([...loc, String(e.params.missingProperty)], "is required");
    } else if (e.keyword === "additionalProperties") {
      push([...loc, String(e.params.additionalProperty)], "is not allowed: the schema does not declare it");
    } else if (e.keyword === "enum") {
      push(loc, `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`);
    } else if (e.keyword === "const") {
      // Like types, the constants of several alternatives at one field read as one message.
      const key = JSON.stringify(loc);
      const allowed = JSON.stringify(e.params.allowedValue);
      const known = constsAt.get(key);
      if (known) {
        if (!known.allowed.includes(allowed)) known.allowed.push(allowed);
        known.error.msg = `must be ${known.allowed.join(" or ")}`;
      } else {
        const error = { loc, msg: `must be ${allowed}` };
        constsAt.set(key, { error, allowed: [allowed] });
        out.push(error);
      }
    } else {
      push(loc, e.message ?? "is invalid");
    }
  }
  // Alternatives (`anyOf: [{$ref: State}, {type: null}]`, `anyOf: [{format: date-time}, {type:
  // null}]`) fail in every branch. When one branch got past the type (an error about the content,
  // at the field or inside it), the value had that branch's type, so the other branches' type
  // errors ("must be null") are noise; so is the summary "must match a schema in anyOf" whenever
  // any branch said why.
  const key = (loc: (string | number)[]) => JSON.stringify(loc);
  const atOrBelow = (inner: (string | number)[], outer: (string | number)[]) => inner.length >= outer.length && key(inner.slice(0, outer.length)) === key(outer);
  const typeErrors = new Set([...typesAt.values()].map((t) => t.error));
  const isSummary = (e: TemplateError) => /^must match (a schema in anyOf|exactly one schema in oneOf)$/.test(e.msg);
  const specific = out.filter((e) => !typeErrors.has(e) && !isSummary(e));
  return out.filter((e) => {
    if (typeErrors.has(e)) return !specific.some((o) => atOrBelow(o.loc, e.loc));
    if (isSummary(e)) return !out.some((o) => o !== e && atOrBelow(o.loc, e.loc));
    return true;
  });
}

function typeMessage(types: string[], value: JsonValue | undefined): string {
  return `must be ${types.join(" or ")}, not ${describe(value)}`;
}

/** `/env/FOO/0` -> `["env", "FOO", 0]`: numbers only where the data is an array. */
function instanceLoc(instancePath: string, data: JsonValue): (string | number)[] {
  if (instancePath === "") return [];
  const loc: (string | number)[] = [];
  let cur: JsonValue | undefined = data;
  for (const raw of instancePath.slice(1).split("/")) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cur)) {
      loc.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      loc.push(seg);
      cur = cur !== null && typeof cur === "object" ? cur[seg] : undefined;
    }
  }
  return loc;
}

function valueAt(data: JsonValue, loc: (string | number)[]): JsonValue | undefined {
  let cur: JsonValue | undefined = data;
  for (const seg of loc) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = Array.isArray(cur) ? cur[Number(seg)] : cur[String(seg)];
  }
  return cur;
}

function describe(value: JsonValue | undefined): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  const shown = JSON.stringify(value) ?? String(value);
  return `${typeof value} ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown}`;
}
