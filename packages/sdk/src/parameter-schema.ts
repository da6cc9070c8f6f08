import type { JsonSchema } from "./validate-parameters.js";

/**
 * A schema library's object that can describe itself as JSON Schema: the "Standard JSON Schema"
 * interface (`~standard.jsonSchema`), which zod ≥ 4.2 implements (and other libraries are adopting).
 * Only the parts ecsflow uses are declared, so no schema library is a dependency of the SDK.
 */
export interface StandardJsonSchemaLike<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: number;
    readonly vendor: string;
    readonly jsonSchema: { input(options: { target: string }): Record<string, unknown> };
    readonly types?: { readonly input: Input; readonly output: Output };
  };
}

export type ParameterSchema = JsonSchema | StandardJsonSchemaLike;

/** The parameters' type a schema library's object describes (its output, defaults applied). */
export type ParametersOf<S> = S extends StandardJsonSchemaLike<unknown, infer O> ? (O extends object ? O : Record<string, unknown>) : Record<string, unknown>;

function isStandardJsonSchema(value: object): value is StandardJsonSchemaLike {
  const standard = (value as { "~standard"?: { jsonSchema?: { input?: unknown } } })["~standard"];
  return typeof standard?.jsonSchema?.input === "function";
}

/**
 * A flow's `parameters` as JSON Schema (draft-07, what deploy registers, the server checks job
 * runs against and the UI renders as a form). A zod schema is converted through its own
 * `~standard.jsonSchema`, as the schema of its input (a field with a default is not required).
 */
export function toParameterJsonSchema(flowName: string, schema: ParameterSchema | undefined): JsonSchema | undefined {
  if (schema === undefined || schema === null) return undefined;
  if (typeof schema !== "object") throw new TypeError(`flow '${flowName}': parameters must be a JSON Schema object or a zod (≥ 4.2) schema.`);
  if (isStandardJsonSchema(schema)) {
    const { $schema: _ignored, ...json } = schema["~standard"].jsonSchema.input({ target: "draft-07" });
    return json;
  }
  if (typeof (schema as { safeParse?: unknown }).safeParse === "function") {
    throw new TypeError(
      `flow '${flowName}': this zod schema cannot describe itself as JSON Schema (zod ≥ 4.2 can, through Standard JSON Schema). Upgrade zod, or pass a JSON Schema object.`,
    );
  }
  return schema as JsonSchema;
}
