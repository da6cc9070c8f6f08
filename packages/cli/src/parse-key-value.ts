import { CliError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";

/** Commander's collector for a repeatable option: `--param a=1 --param b=2`. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * Parses `KEY=VALUE` pairs as Prefect's CLI does: the value is read as JSON when it parses
 * (`n=3` is a number, `xs=[1,2]` a list), otherwise kept as a string (`name=world`). A value
 * with quotes that is not valid JSON is refused rather than guessed at.
 */
export function parseKeyValues(pairs: readonly string[], flag: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const key = eq < 0 ? "" : pair.slice(0, eq).trim();
    if (eq < 0 || key === "") {
      throw new CliError(`${flag} "${pair}" is not in the form KEY=VALUE (e.g. ${flag} name=world; the value is read as JSON when it parses).`, ExitCode.Usage);
    }
    out[key] = parseValue(pair.slice(eq + 1), key, flag);
  }
  return out;
}

function parseValue(raw: string, key: string, flag: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    if (!raw.includes('"')) return raw;
    throw new CliError(`${flag} ${key}: ${JSON.stringify(raw)} is not valid JSON (${(err as Error).message}). Quote strings as JSON, e.g. ${flag} ${key}='"text"'.`, ExitCode.Usage);
  }
}

/** Parses a `--params '{"a": 1}'` object. */
export function parseJsonObject(raw: string, flag: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new CliError(`${flag} must be a JSON object, e.g. ${flag} '{"name": "world"}' (${(err as Error).message}).`, ExitCode.Usage);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new CliError(`${flag} must be a JSON object, e.g. ${flag} '{"name": "world"}'.`, ExitCode.Usage);
  return parsed as Record<string, unknown>;
}
