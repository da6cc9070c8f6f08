import type { FastifyInstance, RouteOptions, preValidationHookHandler } from "fastify";
import fp from "fastify-plugin";
import { ValidationFailedError } from "../errors.js";
import { INTEGER_MAX, INTEGER_MIN, JSON_MAX_DEPTH, NAME_MAX_LENGTH, NUMBER_MAX, NUMBER_MIN, TEXT_MAX_LENGTH } from "./input-limit-table.js";

type SchemaNode = Record<string, unknown>;

const VALIDATED_PARTS = ["body", "params", "querystring"] as const;
const SUBSCHEMA_LISTS = ["anyOf", "oneOf", "allOf", "prefixItems"] as const;
const SUBSCHEMA_SINGLES = ["items", "additionalProperties", "not", "if", "then", "else", "contains"] as const;

function typesOf(node: SchemaNode): unknown[] {
  const t = node.type;
  return Array.isArray(t) ? t : t === undefined ? [] : [t];
}

/**
 * A copy of a request schema with the table's bounds on every string, integer and number that
 * lacks its own: whatever a route declares, nothing unbounded reaches the database. `name` is the
 * property the node belongs to (array items and map values inherit it).
 */
function bounded(node: unknown, name: string | undefined, seen: WeakMap<object, unknown>): unknown {
  if (Array.isArray(node)) return node.map((n) => bounded(n, name, seen));
  if (node === null || typeof node !== "object") return node;
  const cached = seen.get(node);
  if (cached) return cached;
  const src = node as SchemaNode;
  const out: SchemaNode = {};
  seen.set(node, out);
  for (const [key, value] of Object.entries(src)) {
    if (key === "properties" || key === "patternProperties") {
      const props: SchemaNode = {};
      for (const [prop, sub] of Object.entries(value as SchemaNode)) props[prop] = bounded(sub, key === "properties" ? prop : name, seen);
      out[key] = props;
    } else if ((SUBSCHEMA_LISTS as readonly string[]).includes(key) || (SUBSCHEMA_SINGLES as readonly string[]).includes(key)) {
      out[key] = bounded(value, name, seen);
    } else out[key] = value;
  }
  const types = typesOf(src);
  const fixed = src.enum !== undefined || src.const !== undefined;
  if (types.includes("string") && !fixed && src.maxLength === undefined) {
    out.maxLength = (name !== undefined && TEXT_MAX_LENGTH[name]) || NAME_MAX_LENGTH;
  }
  if ((types.includes("integer") || types.includes("number")) && !fixed) {
    const integer = types.includes("integer");
    if (src.minimum === undefined && src.exclusiveMinimum === undefined) out.minimum = integer ? INTEGER_MIN : NUMBER_MIN;
    if (src.maximum === undefined && src.exclusiveMaximum === undefined) out.maximum = integer ? INTEGER_MAX : NUMBER_MAX;
  }
  return out;
}

// NUL is refused by PostgreSQL in text and JSON; an unpaired surrogate cannot be encoded as UTF-8.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface Finding {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** The first string (value or key) that no engine can store, or a value nested too deep; iterative, so depth cannot overflow the stack. */
function unstorable(root: unknown, part: string): Finding | undefined {
  const stack: { value: unknown; loc: (string | number)[] }[] = [{ value: root, loc: [part] }];
  while (stack.length > 0) {
    const { value, loc } = stack.pop()!;
    if (typeof value === "string") {
      if (UNSTORABLE.test(value)) return { loc, msg: "String must not contain NUL characters or unpaired surrogates", type: "string_unicode" };
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (loc.length > JSON_MAX_DEPTH) return { loc, msg: `Value is nested deeper than ${JSON_MAX_DEPTH} levels`, type: "json_depth" };
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, loc: [...loc, i] }));
      continue;
    }
    for (const [k, v] of Object.entries(value)) {
      if (UNSTORABLE.test(k)) return { loc: [...loc, k], msg: "Key must not contain NUL characters or unpaired surrogates", type: "string_unicode" };
      stack.push({ value: v, loc: [...loc, k] });
    }
  }
  return undefined;
}

const REQUEST_PARTS = [
  ["body", "body"],
  ["params", "path"],
  ["query", "query"],
] as const;

// A callback hook: it runs on every request, and an async one costs a promise per request.
const rejectUnstorable: preValidationHookHandler = (request, _reply, done) => {
  for (const [property, loc] of REQUEST_PARTS) {
    const finding = unstorable(request[property], loc);
    if (finding) return done(new ValidationFailedError(finding.msg, [finding]));
  }
  done();
};

/**
 * Bounds every route's input once, at registration, whoever wrote the route: strings get a
 * `maxLength`, integers and numbers a range (from `input-limit-table.ts`), and every request is
 * checked for strings no engine can store (NUL, unpaired surrogates) and for runaway nesting,
 * including inside free-form JSON. Routes added later get the same bounds.
 */
export const inputLimitsPlugin = fp(async function inputLimits(app: FastifyInstance) {
  const seen = new WeakMap<object, unknown>();
  app.addHook("onRoute", (route: RouteOptions) => {
    const schema = route.schema as Record<string, unknown> | undefined;
    if (schema) {
      const copy: Record<string, unknown> = { ...schema };
      for (const part of VALIDATED_PARTS) if (schema[part] !== undefined) copy[part] = bounded(schema[part], undefined, seen);
      route.schema = copy;
    }
    const existing = route.preValidation;
    route.preValidation = existing === undefined ? [rejectUnstorable] : [rejectUnstorable, ...(Array.isArray(existing) ? existing : [existing])];
  });
});
