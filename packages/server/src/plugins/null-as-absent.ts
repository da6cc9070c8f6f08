import type { FastifyInstance, preValidationHookHandler, RouteOptions } from "fastify";
import fp from "fastify-plugin";

/**
 * Prefect's pydantic clients serialise every unset optional field as `null`
 * (`.dict(json_compatible=True)`), at any depth: `{"flow_runs": {"state": null, "tags": {"all_": null}}}`.
 * Our schemas say "optional" by leaving a key out of `required`, so a null there means "absent".
 * Once per route, from its body schema, this plans which keys may be dropped when null: a key that is
 * optional and whose own schema does not accept null. A key whose schema accepts null keeps it (a
 * PATCH that clears a field). The plan runs as a preValidation hook, only on routes that have one,
 * so Ajv then sees the body as if those keys were never sent (and fills their defaults).
 */

type Schema = Record<string, unknown>;
/** Removes droppable nulls from a value of one schema, in place. */
type Prune = (value: unknown) => void;

const isSchema = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether null validates against the schema (as far as the keywords we generate can say). */
export function acceptsNull(schema: unknown): boolean {
  if (schema === true) return true;
  if (!isSchema(schema)) return false;
  const { type } = schema;
  if (type === "null" || (Array.isArray(type) && type.includes("null"))) return true;
  if ("const" in schema) return schema.const === null;
  if (Array.isArray(schema.enum)) return schema.enum.includes(null);
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) return branches.some(acceptsNull);
  }
  if (Array.isArray(schema.allOf)) return schema.allOf.every(acceptsNull);
  // No type and no combinator: anything goes (Type.Unknown(), Type.Any()).
  return type === undefined && schema.properties === undefined && schema.items === undefined && schema.not === undefined;
}

function objectPlan(schema: Schema): Prune | undefined {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const droppable: string[] = [];
  const nested: [string, Prune][] = [];
  for (const [key, child] of Object.entries(properties)) {
    if (!required.has(key) && !acceptsNull(child)) droppable.push(key);
    const inner = planFor(child);
    if (inner) nested.push([key, inner]);
  }
  // Records (`Type.Record`) give their values' schema as patternProperties or additionalProperties.
  const valueSchemas = [...(isSchema(schema.patternProperties) ? Object.values(schema.patternProperties) : []), schema.additionalProperties];
  const valuePlans = valueSchemas.map(planFor).filter((p): p is Prune => p !== undefined);
  if (droppable.length === 0 && nested.length === 0 && valuePlans.length === 0) return undefined;
  const declared = new Set(Object.keys(properties));
  return (value) => {
    if (!isSchema(value)) return;
    for (const key of droppable) if (value[key] === null) delete value[key];
    for (const [key, prune] of nested) if (key in value) prune(value[key]);
    if (valuePlans.length > 0) {
      for (const [key, v] of Object.entries(value)) if (!declared.has(key)) for (const prune of valuePlans) prune(v);
    }
  };
}

/** The pruning a value of this schema needs, or undefined when it needs none. */
export function planFor(schema: unknown): Prune | undefined {
  if (!isSchema(schema)) return undefined;
  const branches = (Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined) as unknown[] | undefined;
  if (branches) {
    // `Nullable(X)`: the one branch with something to prune decides. A union of several shapes
    // would need to know which branch a value is before pruning it; none of our bodies has one,
    // so such a union is left as sent.
    const plans = branches.map(planFor).filter((p): p is Prune => p !== undefined);
    if (plans.length === 0) return undefined;
    if (plans.length === 1) return plans[0];
    return undefined;
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes("array") || schema.items !== undefined) {
    const items = planFor(schema.items);
    return items && ((value) => Array.isArray(value) && value.forEach(items));
  }
  if (types.includes("object") || schema.properties !== undefined) return objectPlan(schema);
  return undefined;
}

function withHook(route: RouteOptions, hook: preValidationHookHandler): void {
  const existing = route.preValidation;
  route.preValidation = existing === undefined ? [hook] : [hook, ...(Array.isArray(existing) ? existing : [existing])];
}

/** Registered before the routes (an onRoute hook sees only routes added after it). */
export const nullAsAbsentPlugin = fp(async function nullAsAbsent(app: FastifyInstance) {
  app.addHook("onRoute", (route) => {
    const prune = planFor(route.schema?.body);
    if (!prune) return;
    withHook(route, async (request) => {
      prune(request.body);
    });
  });
});
