import { Ajv, type ValidateFunction } from "ajv";
import { ParameterValidationError } from "./errors.js";

export type JsonSchema = Record<string, unknown>;

const compiled = new WeakMap<JsonSchema, ValidateFunction>();
let ajv: Ajv | undefined;

/**
 * Checks a flow's parameters against its JSON Schema and fills the schema's defaults. Returns
 * a copy; throws ParameterValidationError naming each field that does not fit.
 */
export function validateParameters(flowName: string, schema: JsonSchema | undefined, parameters: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(parameters ?? {});
  if (!schema) return copy;
  // Built on first use only, so flows without a schema do not pay for it at start-up.
  ajv ??= new Ajv({ allErrors: true, useDefaults: true, strict: false });
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(copy)) return copy;
  const issues = (validate.errors ?? []).map((e) => {
    const missing = e.keyword === "required" ? `.${String((e.params as { missingProperty?: string }).missingProperty)}` : "";
    const field = `${e.instancePath.replace(/^\//, "").replace(/\//g, ".")}${missing}`.replace(/^\./, "");
    return `${field || "(parameters)"}: ${e.message ?? "is invalid"}`;
  });
  throw new ParameterValidationError(`Parameters of flow '${flowName}' are invalid: ${issues.join("; ")}.`, issues);
}
