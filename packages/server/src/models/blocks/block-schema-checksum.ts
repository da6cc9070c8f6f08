import { createHash } from "node:crypto";

/**
 * A block schema's checksum as Prefect's client and server compute it, so both sides name a
 * schema the same: `sha256:` + SHA-256 of Python's `json.dumps(((fields,), {}), sort_keys=True)`
 * over the fields without any `secret_fields` key and with only the definitions that are not
 * blocks themselves. Python's float formatting is followed for non-integral numbers; an integral
 * float sent as `1.0` reads as 1 in JSON here, a case Prefect's own schemas do not have.
 */
export function blockSchemaChecksum(fields: Record<string, unknown>): string {
  const forChecksum = withoutKey(fields, "secret_fields") as Record<string, unknown>;
  const definitions = forChecksum.definitions as Record<string, unknown> | undefined;
  if (definitions && typeof definitions === "object" && Object.keys(definitions).length > 0) {
    const nonBlock = nonBlockDefinitions(forChecksum, definitions);
    if (Object.keys(nonBlock).length > 0) forChecksum.definitions = nonBlock;
    else delete forChecksum.definitions;
  }
  return `sha256:${createHash("sha256").update(pythonJson([[forChecksum], {}])).digest("hex")}`;
}

function withoutKey(value: unknown, key: string): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== key) out[k] = withoutKey(v, key);
  return out;
}

function referenceStrings(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referenceStrings);
  if (value === null || typeof value !== "object") return [];
  const own = typeof (value as { $ref?: unknown }).$ref === "string" ? [(value as { $ref: string }).$ref] : [];
  return [...own, ...Object.values(value).flatMap(referenceStrings)];
}

/** The definitions reachable from `object` that do not describe a block (no `block_type_slug`). */
function nonBlockDefinitions(object: unknown, definitions: Record<string, unknown>, seen = new Set<string>()): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  for (const ref of referenceStrings(object)) {
    const key = ref.replace("#/definitions/", "");
    const definition = definitions[key] as Record<string, unknown> | undefined;
    if (!definition || definition.block_type_slug != null || seen.has(key)) continue;
    seen.add(key);
    out = { ...out, [key]: definition, ...nonBlockDefinitions(definition, definitions, seen) };
  }
  return out;
}

/** Python's `json.dumps(value, sort_keys=True)`: `", "` and `": "` separators, ASCII only. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "number") return pythonNumber(value);
  if (typeof value === "string") return pythonString(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  const keys = Object.keys(value as object).sort(byCodePoint);
  return `{${keys.map((k) => `${pythonString(k)}: ${pythonJson((value as Record<string, unknown>)[k])}`).join(", ")}}`;
}

function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0)! - y[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function pythonNumber(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? "Infinity" : n < 0 ? "-Infinity" : "NaN";
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  // Python's repr: exponent form below 1e-4 and from 1e16, two-digit exponent at least.
  const [mantissa, exp] = n.toExponential().split("e");
  const e = Number(exp);
  if (e < -4 || e >= 16) return `${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return String(n);
}

function pythonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}
