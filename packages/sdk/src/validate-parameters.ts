import type { Ajv as AjvType, ValidateFunction } from "ajv";
import { ParameterValidationError } from "./errors.js";

export type JsonSchema = Record<string, unknown>;

const compiled = new WeakMap<JsonSchema, ValidateFunction>();
let ajv: AjvType | undefined;

/**
 * Checks a flow's parameters against its JSON Schema and fills the schema's defaults. Returns
 * a copy; throws ParameterValidationError naming each field that does not fit.
 */
export async function validateParameters(flowName: string, schema: JsonSchema | undefined, parameters: Record<string, unknown>): Promise<Record<string, unknown>> {
  const copy = structuredClone(parameters ?? {});
  if (!schema) return copy;
  // Loaded on first use only: Ajv costs a few hundred ms of start-up on a small machine, which
  // flows without a schema should not pay.
  if (!ajv) {
    const { Ajv } = await import("ajv");
    ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
  }
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
