import { resolveSchema, type Schema } from "./json-schema-check";

export type FieldKind = "string" | "integer" | "number" | "boolean" | "enum" | "json";

export interface FieldSpec {
  name: string;
  title: string;
  description?: string;
  kind: FieldKind;
  required: boolean;
  options?: unknown[];
  schema: Schema;
  default?: unknown;
}

/** One form field per top-level property, in `position` order (as Prefect's parameter schemas give). */
export function fieldsOf(schema: Schema | null | undefined): FieldSpec[] {
  if (!schema || typeof schema !== "object") return [];
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(props)
    .map(([name, raw], index) => {
      const s = resolveSchema(raw, schema);
      const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== "null") : (s.type as string | undefined);
      let kind: FieldKind = "json";
      if (Array.isArray(s.enum)) kind = "enum";
      else if (type === "string" || type === "integer" || type === "number" || type === "boolean") kind = type;
      return {
        name,
        title: (raw.title as string) ?? (s.title as string) ?? name,
        description: (raw.description as string) ?? (s.description as string) ?? undefined,
        kind,
        required: required.has(name),
        options: Array.isArray(s.enum) ? (s.enum as unknown[]) : undefined,
        schema: raw,
        default: raw.default ?? s.default,
        position: typeof raw.position === "number" ? raw.position : index,
      };
    })
    .sort((a, b) => a.position - b.position)
    .map(({ position: _position, ...f }) => f);
}

/** The text an input shows for a value. */
export function toInputText(kind: FieldKind, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (kind === "json") return JSON.stringify(value, null, 2);
  if (kind === "enum") return JSON.stringify(value);
  return String(value);
}

/** Parses an input's text back to a value; undefined means "leave it out"; throws with words. */
export function fromInputText(kind: FieldKind, text: string): unknown {
  if (kind === "boolean") return text === "true";
  if (text.trim() === "") return undefined;
  switch (kind) {
    case "string":
      return text;
    case "integer": {
      const n = Number(text);
      if (!Number.isInteger(n)) throw new Error("must be a whole number");
      return n;
    }
    case "number": {
      const n = Number(text);
      if (Number.isNaN(n)) throw new Error("must be a number");
      return n;
    }
    case "enum":
    case "json":
      try {
        return JSON.parse(text);
      } catch {
        throw new Error("must be valid JSON");
      }
  }
}
