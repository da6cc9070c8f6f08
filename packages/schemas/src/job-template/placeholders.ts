// `{{ name }}` placeholders in job templates, read the way Prefect reads them
// (prefect.utilities.templating): a name is word characters, dots, dashes, square brackets and `$`,
// with optional spaces inside the braces. The name decides the kind:
//   `$HOME`                 -> env: the worker's host environment
//   `prefect.blocks.x.y`    -> block: a Prefect block document (ecsflow does not resolve these)
//   `prefect.variables.x`   -> variable: a Prefect variable (ecsflow does not resolve these)
//   anything else           -> standard: a job variable, possibly a dotted path `a.b[0].c`

import type { JsonValue } from "./types.js";

export type PlaceholderKind = "standard" | "env" | "block" | "variable";

export interface Placeholder {
  /** The text as written, braces included: `{{ image }}`. */
  fullMatch: string;
  /** What is inside the braces, trimmed: `image`, `a.b`, `$HOME`. */
  name: string;
  kind: PlaceholderKind;
}

const PLACEHOLDER_PATTERN = /\{\{\s*([\w.\-[\]$]+)\s*\}\}/g;
const BLOCK_PREFIX = "prefect.blocks.";
const VARIABLE_PREFIX = "prefect.variables.";
const ENV_PREFIX = "$";

export function placeholderKind(name: string): PlaceholderKind {
  if (name.startsWith(BLOCK_PREFIX)) return "block";
  if (name.startsWith(VARIABLE_PREFIX)) return "variable";
  if (name.startsWith(ENV_PREFIX)) return "env";
  return "standard";
}

/** Placeholders in one string, in order of appearance, each distinct text once. */
export function parsePlaceholders(text: string): Placeholder[] {
  const seen = new Set<string>();
  const out: Placeholder[] = [];
  for (const match of text.matchAll(PLACEHOLDER_PATTERN)) {
    const [fullMatch, name] = match;
    if (seen.has(fullMatch)) continue;
    seen.add(fullMatch);
    out.push({ fullMatch, name, kind: placeholderKind(name) });
  }
  return out;
}

/**
 * Every placeholder in a template value, walking objects (values only, as Prefect does: keys are
 * never templated) and arrays. Each distinct `fullMatch` appears once.
 */
export function findPlaceholders(value: JsonValue | undefined): Placeholder[] {
  const byText = new Map<string, Placeholder>();
  const visit = (v: JsonValue | undefined): void => {
    if (typeof v === "string") {
      for (const p of parsePlaceholders(v)) if (!byText.has(p.fullMatch)) byText.set(p.fullMatch, p);
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v !== null && typeof v === "object") {
      Object.values(v).forEach(visit);
    }
  };
  visit(value);
  return [...byText.values()];
}

/** The whole string is exactly one placeholder (no text around it): `"{{ cpu }}"`. */
export function wholePlaceholder(text: string): Placeholder | undefined {
  const found = parsePlaceholders(text);
  return found.length === 1 && found[0].fullMatch === text ? found[0] : undefined;
}

/**
 * Splits a standard placeholder's name into path segments the way Prefect's `get_from_dict` does:
 * `a.b[0].c` -> `["a", "b", "0", "c"]`. Segment 0 is the job variable; the rest walk into it.
 */
export function placeholderPath(name: string): string[] {
  return name.replace(/\[/g, ".").replace(/\]/g, "").split(".");
}

/** The env variable a `{{ $NAME }}` placeholder reads: `NAME`. */
export function envPlaceholderVariable(name: string): string {
  // Prefect strips every leading `$` (`lstrip("$")`).
  return name.replace(/^\$+/, "");
}

/**
 * Rewrites every placeholder in one string in a single pass: the replacer returns the text to put
 * in its place, or undefined to leave it as written. Replaced text is never scanned again, so a
 * value that itself contains `{{ … }}` stays literal.
 */
export function replacePlaceholders(text: string, replacer: (placeholder: Placeholder) => string | undefined): string {
  return text.replace(PLACEHOLDER_PATTERN, (fullMatch: string, name: string) => replacer({ fullMatch, name, kind: placeholderKind(name) }) ?? fullMatch);
}
