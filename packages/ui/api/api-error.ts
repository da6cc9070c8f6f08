import type { ValidationIssue } from "./types";

/** An API call that failed, with a sentence a person can act on. */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    message: string,
    /** HTTP status, or 0 when the server could not be reached. */
    readonly status: number,
    /** 422 items naming the field at fault (`loc`). */
    readonly issues: ValidationIssue[] = [],
  ) {
    super(message);
  }
}

const isIssueList = (v: unknown): v is ValidationIssue[] =>
  Array.isArray(v) && v.every((i) => i && typeof i === "object" && Array.isArray((i as ValidationIssue).loc));

/** `body.parameters.x` from `["body", "parameters", "x"]`. */
export function formatLoc(loc: (string | number)[]): string {
  return loc.map(String).join(".");
}

/** Turns an error response into words: Prefect bodies carry `detail` (a string or 422 items). */
export function apiErrorFromResponse(method: string, path: string, status: number, statusText: string, body: unknown): ApiError {
  const detail = body && typeof body === "object" ? (body as { detail?: unknown }).detail : typeof body === "string" ? body : undefined;
  const what = `${method} ${path}`;
  if (status === 401) return new ApiError("The server asks for credentials: sign in with its API key or user and password.", status);
  if (status === 403) return new ApiError(`Not allowed: ${typeof detail === "string" ? detail : "the server refused this request"}.`, status);
  if (isIssueList(detail)) {
    const lines = detail.map((i) => `${formatLoc(i.loc.filter((p) => p !== "body"))}: ${i.msg}`);
    return new ApiError(`The server rejected the request: ${lines.join("; ")}`, status, detail);
  }
  if (typeof detail === "string" && detail) return new ApiError(detail, status);
  if (status === 404) return new ApiError(`Not found (${what}).`, status);
  if (status >= 500) return new ApiError(`The server failed (${status} ${statusText}) on ${what}; its log has the details.`, status);
  return new ApiError(`The server answered ${status} ${statusText} to ${what}.`, status);
}

/** Words for anything thrown by an API call or a page. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
