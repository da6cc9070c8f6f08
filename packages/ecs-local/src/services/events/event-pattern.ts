/**
 * EventBridge's content filtering, the parts rules for ECS events use: every field named in the
 * pattern must match; a list matches when any of its items does; an item is a literal, or one of
 * `{prefix}`, `{anything-but}`, `{exists}`, `{numeric}` is not supported and never matches.
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) return false;
  return Object.entries(pattern).every(([key, expected]) => matchField(expected, isObject(event) ? event[key] : undefined, isObject(event) && key in event));
}

function matchField(expected: unknown, actual: unknown, present: boolean): boolean {
  if (Array.isArray(expected)) {
    const values = Array.isArray(actual) ? actual : [actual];
    return expected.some((rule) => (isObject(rule) ? matchOperator(rule, values, present) : present && values.some((v) => v === rule)));
  }
  if (isObject(expected)) return present && matchesPattern(expected, actual);
  return false;
}

function matchOperator(rule: Record<string, unknown>, values: unknown[], present: boolean): boolean {
  if ("exists" in rule) return rule.exists === present;
  if (!present) return false;
  if (typeof rule.prefix === "string") return values.some((v) => typeof v === "string" && v.startsWith(rule.prefix as string));
  if ("anything-but" in rule) {
    const excluded = Array.isArray(rule["anything-but"]) ? rule["anything-but"] : [rule["anything-but"]];
    return values.every((v) => !excluded.includes(v));
  }
  return false;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The pattern as EventBridge checks it on PutRule: a JSON object whose leaves are lists. */
export function patternProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "Event pattern is not valid JSON.";
  }
  if (!isObject(parsed) || Object.keys(parsed).length === 0) return "Event pattern must be a non-empty JSON object.";
  const walk = (node: Record<string, unknown>, path: string): string | undefined => {
    for (const [k, v] of Object.entries(node)) {
      if (isObject(v)) {
        const inner = walk(v, `${path}${k}.`);
        if (inner) return inner;
      } else if (!Array.isArray(v)) {
        return `Event pattern is not valid. Reason: "${path}${k}" must be an object or an array.`;
      }
    }
    return undefined;
  };
  return walk(parsed, "");
}
