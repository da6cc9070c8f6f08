// A small JSON Schema checker for forms: the keywords parameter and job-variable schemas use
// (type, required, enum, const, minimum/maximum, minLength/maxLength, pattern, items, properties,
// anyOf/allOf, $ref to #/definitions or #/$defs). The server validates again with a full
// validator; this one gives errors at the field before anything is sent.

export type Schema = Record<string, unknown>;
export interface SchemaIssue {
  path: (string | number)[];
  message: string;
}

const typeOf = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v);

function resolveRef(schema: Schema, root: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return schema;
  let target: unknown = root;
  for (const part of ref.slice(2).split("/")) target = (target as Record<string, unknown> | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  return target && typeof target === "object" ? { ...(target as Schema), ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$ref")) } : schema;
}

export function resolveSchema(schema: Schema, root: Schema): Schema {
  let s = schema;
  for (let i = 0; i < 8 && typeof s.$ref === "string"; i++) s = resolveRef(s, root);
  // pydantic wraps a referenced model as allOf: [{$ref}]
  if (Array.isArray(s.allOf) && s.allOf.length === 1) s = { ...resolveSchema(s.allOf[0] as Schema, root), ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== "allOf")) };
  return s;
}

function matchesType(value: unknown, type: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  const actual = typeOf(value);
  return types.some((t) => t === actual || (t === "number" && actual === "integer"));
}

export function checkValue(value: unknown, schema: Schema, root: Schema = schema, path: (string | number)[] = []): SchemaIssue[] {
  const s = resolveSchema(schema, root);
  const issues: SchemaIssue[] = [];
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) {
    const options = (s.anyOf ?? s.oneOf) as Schema[];
    if (!options.some((o) => checkValue(value, o, root, path).length === 0)) issues.push({ path, message: "does not match any of the allowed forms" });
    return issues;
  }
  if (s.type !== undefined && !matchesType(value, s.type)) {
    return [{ path, message: `must be ${Array.isArray(s.type) ? s.type.join(" or ") : String(s.type)}` }];
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) issues.push({ path, message: `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}` });
  if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(value)) issues.push({ path, message: `must be ${JSON.stringify(s.const)}` });
  if (typeof value === "number") {
    if (typeof s.minimum === "number" && value < s.minimum) issues.push({ path, message: `must be at least ${s.minimum}` });
    if (typeof s.maximum === "number" && value > s.maximum) issues.push({ path, message: `must be at most ${s.maximum}` });
    if (typeof s.exclusiveMinimum === "number" && value <= s.exclusiveMinimum) issues.push({ path, message: `must be more than ${s.exclusiveMinimum}` });
  }
  if (typeof value === "string") {
    if (typeof s.minLength === "number" && value.length < s.minLength) issues.push({ path, message: `must have at least ${s.minLength} characters` });
    if (typeof s.maxLength === "number" && value.length > s.maxLength) issues.push({ path, message: `must have at most ${s.maxLength} characters` });
    if (typeof s.pattern === "string") {
      try {
        if (!new RegExp(s.pattern, "u").test(value)) issues.push({ path, message: `must match ${s.pattern}` });
      } catch {
        /* a pattern JavaScript cannot read is left to the server */
      }
    }
  }
  if (Array.isArray(value) && s.items && typeof s.items === "object") {
    value.forEach((item, i) => issues.push(...checkValue(item, s.items as Schema, root, [...path, i])));
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const name of (s.required as string[] | undefined) ?? []) if (obj[name] === undefined) issues.push({ path: [...path, name], message: "is required" });
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const [name, v] of Object.entries(obj)) {
      if (props[name]) issues.push(...checkValue(v, props[name], root, [...path, name]));
      else if (s.additionalProperties === false) issues.push({ path: [...path, name], message: "is not a known field" });
    }
  }
  return issues;
}
