import { readFileSync } from "node:fs";
import { CliError } from "../../errors.js";
import { ExitCode } from "../../exit-codes.js";

/** Reads a base job template (`{job_configuration, variables}`) from a JSON file. */
export function readTemplateFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new CliError(`--base-job-template: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`, ExitCode.Usage);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CliError(`--base-job-template: ${path} is not valid JSON (${(err as Error).message}).`, ExitCode.Usage);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new CliError(`--base-job-template: ${path} must hold a JSON object with "job_configuration" and "variables".`, ExitCode.Usage);
  }
  return parsed as Record<string, unknown>;
}
