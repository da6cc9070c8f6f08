// Checks a work pool's base job template when it is written (work pool create/update), so that a
// broken template is refused with a 422 naming the field instead of failing every run later.
//
// Follows Prefect's server (prefect.server.schemas.actions.validate_base_job_template and
// validate_job_variable_defaults_for_work_pool), with these decisions:
// - `{}` is valid: it means "the worker's default template for the pool type".
// - Otherwise exactly `job_configuration` and `variables`; other top-level keys are refused
//   (Prefect ignores them; a misspelt key is far likelier than an intended one).
// - `job_configuration` may be `{}` (Prefect refuses an empty one only because `{}` is falsy in
//   Python; an empty configuration renders to just the stamped fields).
// - Every standard placeholder in `job_configuration` must be declared in `variables.properties`;
//   for a dotted path `{{ a.b }}` the first segment, `a`, is what must be declared (Prefect looks
//   the whole text up, so it refuses dotted paths it would render fine). `{{ $VAR }}` reads the
//   worker's environment and needs no declaration (Prefect refuses these; ecsflow renders them).
//   `{{ prefect.blocks.… }}` / `{{ prefect.variables.… }}` are refused: ecsflow's worker does not
//   resolve Prefect blocks or variables.
// - `variables` must be a JSON Schema with `properties` (and `type: "object"` if it has a type), valid against the
//   2020-12 meta-schema and compilable (every `$ref` resolves); and each property's `default` must
//   satisfy the schema (null allowed for optional variables, as when checking job variables).

import { jsonSchemaAjv } from "./json-schema-ajv.js";
import { findPlaceholders, placeholderPath } from "./placeholders.js";
import type { JsonRecord, JsonValue, TemplateError } from "./types.js";
import { compiledFor, toTemplateErrors, validateJobVariables } from "./validate-job-variables.js";

const isObject = (v: unknown): v is JsonRecord => v !== null && typeof v === "object" && !Array.isArray(v);
const TEMPLATE_KEYS = ["job_configuration", "variables"];

export function validateBaseJobTemplate(template: unknown): TemplateError[] {
  if (!isObject(template)) return [{ loc: [], msg: "must be an object: {job_configuration, variables}, or {}" }];
  if (Object.keys(template).length === 0) return [];

  const errors: TemplateError[] = [];
  for (const key of Object.keys(template)) {
    if (!TEMPLATE_KEYS.includes(key)) errors.push({ loc: [key], msg: "is not allowed: a base job template has only job_configuration and variables" });
  }
  for (const key of TEMPLATE_KEYS) {
    if (!(key in template)) errors.push({ loc: [key], msg: "is required: a base job template has both job_configuration and variables (or is {})" });
    else if (!isObject(template[key])) errors.push({ loc: [key], msg: "must be an object" });
  }
  if (errors.length > 0) return errors;

  const variables = template.variables as JsonRecord;
  const variableErrors = checkVariablesSchema(variables);
  if (variableErrors.length > 0) return variableErrors;

  return [...checkPlaceholders(template.job_configuration as JsonRecord, variables.properties as JsonRecord), ...checkDefaults(variables)];
}

function checkVariablesSchema(variables: JsonRecord): TemplateError[] {
  const errors: TemplateError[] = [];
  // Prefect does not insist on `type`; a missing one means an object schema, any other is an error.
  if (variables.type !== undefined && variables.type !== "object") errors.push({ loc: ["variables", "type"], msg: 'must be "object"' });
  if (!isObject(variables.properties)) errors.push({ loc: ["variables", "properties"], msg: "must be an object: one JSON Schema per variable" });
  if (errors.length > 0) return errors;

  // Meta-schema first: it names the faulty keyword; compiling then catches unresolvable `$ref`s.
  const schemaForMeta: JsonRecord = { ...variables };
  delete schemaForMeta.$schema;
  if (!jsonSchemaAjv.validateSchema(schemaForMeta)) {
    return toTemplateErrors(jsonSchemaAjv.errors ?? [], variables).map((e) => ({
      loc: ["variables", ...e.loc],
      msg: `is not a valid JSON Schema: ${e.msg}`,
    }));
  }
  const compiled = compiledFor(variables, false);
  if ("error" in compiled) return [{ loc: ["variables"], msg: `is not a usable JSON Schema: ${compiled.error}` }];
  return [];
}

function checkPlaceholders(jobConfiguration: JsonRecord, properties: JsonRecord): TemplateError[] {
  const errors: TemplateError[] = [];
  const visit = (value: JsonValue, loc: (string | number)[]): void => {
    if (typeof value === "string") {
      for (const p of findPlaceholders(value)) {
        if (p.kind === "env") continue;
        if (p.kind === "block" || p.kind === "variable") {
          errors.push({ loc, msg: `uses ${p.fullMatch}: ecsflow does not resolve Prefect ${p.kind === "block" ? "blocks" : "variables"}; declare a job variable instead` });
          continue;
        }
        const root = placeholderPath(p.name)[0];
        if (!Object.hasOwn(properties, root)) {
          errors.push({ loc, msg: `uses undeclared variable "${root}" (${p.fullMatch}): declare it in variables.properties` });
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, [...loc, i]));
    } else if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) visit(v, [...loc, k]);
    }
  };
  visit(jobConfiguration, ["job_configuration"]);
  return errors;
}

function checkDefaults(variables: JsonRecord): TemplateError[] {
  const errors: TemplateError[] = [];
  for (const [name, property] of Object.entries(variables.properties as JsonRecord)) {
    if (!isObject(property) || !("default" in property)) continue;
    // Checked in place (`{name: default}` against the whole schema) so `$ref`s to
    // `#/definitions/…` resolve; `required` is ignored, since one default is not a full set.
    for (const e of validateJobVariables(variables, { [name]: property.default }, { ignoreRequired: true })) {
      errors.push({ loc: ["variables", "properties", name, "default", ...e.loc.slice(1)], msg: e.msg });
    }
  }
  return errors;
}
