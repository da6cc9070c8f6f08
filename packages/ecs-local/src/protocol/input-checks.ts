import { AwsError } from "../errors.js";

/** Small checks handlers share; each throws `code` (the service's InvalidParameter error) with AWS-style wording. */
export function checkEnum(value: unknown, allowed: readonly string[], member: string, code: string): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    throw new AwsError(code, `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(", ")}]`);
  }
}

export function checkRange(value: number | undefined, min: number, max: number, member: string, code: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw new AwsError(code, `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value between ${min} and ${max}`);
  }
}

export function checkLength(value: string | unknown[] | undefined, min: number, max: number, member: string, code: string): void {
  if (value !== undefined && (value.length < min || value.length > max)) {
    const what = typeof value === "string" ? "length" : "number of elements";
    throw new AwsError(code, `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have ${what} between ${min} and ${max}`);
  }
}

export function checkPattern(value: string | undefined, pattern: RegExp, member: string, code: string): void {
  if (value !== undefined && !pattern.test(value)) {
    throw new AwsError(code, `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`);
  }
}

/** Epoch milliseconds as the seconds (with fraction) JSON protocols send timestamps in. */
export function epochSeconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : ms / 1000;
}
