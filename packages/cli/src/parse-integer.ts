import { CliError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";

/** A whole number of at least `min`, or a usage error naming the flag. */
export function parseInteger(value: string, flag: string, min = 0): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < min) throw new CliError(`${flag} must be a whole number of at least ${min}, got "${value}".`, ExitCode.Usage);
  return n;
}
