// Shapes of a work pool's base job template, shared by the server (validation on write) and the
// worker (rendering). Kept as plain JSON types: a template is user data, stored and served as-is.

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonRecord = { [key: string]: JsonValue };

/** The `variables` half of a base job template: a JSON Schema of `type: "object"`. */
export interface VariablesSchema {
  type: "object";
  properties: Record<string, JsonRecord>;
  required?: string[];
  [keyword: string]: JsonValue | undefined;
}

/** `{ job_configuration, variables }`, or `{}` for "use the worker's default". */
export interface BaseJobTemplate {
  job_configuration: JsonRecord;
  variables: VariablesSchema;
}

/**
 * One problem found in a template or in job variables. `loc` is relative to what was validated
 * (the template, or the job variables object); callers prefix it, e.g. with
 * `["body", "base_job_template"]`, to build a 422 `detail` entry the way Prefect's API does.
 */
export interface TemplateError {
  loc: (string | number)[];
  msg: string;
}
