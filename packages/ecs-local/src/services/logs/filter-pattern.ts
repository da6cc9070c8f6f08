import { AwsError } from "../../errors.js";

/**
 * CloudWatch Logs' term filter patterns: space-separated terms must all appear (case-sensitive),
 * "quoted phrases" count as one term, `?term`s match when any of them appears, and `-term`
 * excludes. JSON (`{ $.x = … }`) and space-delimited (`[ip, …]`) patterns are not supported.
 */
export function compileFilterPattern(pattern: string | undefined): (message: string) => boolean {
  const text = (pattern ?? "").trim();
  if (text === "") return () => true;
  if (text.startsWith("{") || text.startsWith("[")) {
    throw new AwsError("InvalidParameterException", "ecs-local supports term filter patterns only (JSON and space-delimited patterns are not implemented).");
  }
  const terms = [...text.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)].map((m) => ({ op: m[1], term: m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3] }));
  const all = terms.filter((t) => t.op === "").map((t) => t.term);
  const any = terms.filter((t) => t.op === "?").map((t) => t.term);
  const none = terms.filter((t) => t.op === "-").map((t) => t.term);
  return (message) => all.every((t) => message.includes(t)) && (any.length === 0 || any.some((t) => message.includes(t))) && !none.some((t) => message.includes(t));
}
