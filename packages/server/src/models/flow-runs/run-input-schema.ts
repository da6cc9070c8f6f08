import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

/**
 * The schema a paused flow run waits for its input to match is stored by the flow itself (a
 * pydantic model's JSON Schema, as a flow run input). Prefect checks with jsonschema's Draft
 * 2020-12 validator, so Ajv's 2020 flavour, lenient about the extra keywords pydantic writes.
 * Compiled schemas are cached by their text: a pause is resumed once, but retried resumes and
 * many runs of one flow share a schema.
 */
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: false, logger: false, validateFormats: true }));
const compiled = new Map<string, ValidateFunction>();
const MAX_CACHED = 128;

export type RunInputCheck = { ok: true } | { ok: false; reason: string };

/** Prefect's answers, word for word where a client may show them. */
export function checkRunInput(schemaText: string, input: unknown): RunInputCheck {
  let validate = compiled.get(schemaText);
  if (!validate) {
    let schema: unknown;
    try {
      schema = JSON.parse(schemaText);
    } catch {
      return { ok: false, reason: "Run input schema is not valid JSON." };
    }
    if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return { ok: false, reason: "Invalid schema: a run input schema must be a JSON object." };
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      return { ok: false, reason: `Invalid schema: ${(error as Error).message}` };
    }
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value as string);
    compiled.set(schemaText, validate);
  }
  if (validate(input)) return { ok: true };
  const error = validate.errors?.[0];
  const where = error?.instancePath ? `${error.instancePath.slice(1).replace(/\//g, ".")} ` : "";
  return { ok: false, reason: `Reason: ${where}${error?.message ?? "is invalid"}` };
}
