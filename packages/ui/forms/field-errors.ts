import { ApiError } from "../api/api-error";

/**
 * The server's 422 items keyed by the top-level body field their `loc` names, so a form can show
 * each at its field; items naming no field go under "".
 */
export function fieldErrorsFromApi(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError)) return out;
  for (const issue of err.issues) {
    const loc = issue.loc.filter((p) => p !== "body");
    const key = String(loc[0] ?? "");
    const where = loc.slice(1).join(".");
    out[key] = [out[key], `${where ? `${where} ` : ""}${issue.msg}`].filter(Boolean).join("; ");
  }
  return out;
}

/** A whole number from a text field, empty meaning "none"; a sentence when it is not one. */
export function parseWholeNumber(text: string, min: number): { value: number | null } | { error: string } {
  const t = text.trim();
  if (t === "") return { value: null };
  const n = Number(t);
  if (!/^-?\d+$/.test(t) || !Number.isSafeInteger(n)) return { error: "must be a whole number" };
  if (n < min) return { error: `must be ${min} or more` };
  return { value: n };
}
