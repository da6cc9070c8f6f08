/**
 * The base of every error the client and the SDK raise on purpose: a fixed `name` and a stable
 * `code` to branch on (the SDK's errors in packages/sdk/src/errors.ts extend it too).
 */
export class EcsflowError extends Error {
  override readonly name: string = "EcsflowError";
  readonly code: string = "ECSFLOW_ERROR";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * What the API answered, as classes callers can branch on. Messages carry the server's `detail`
 * but never credentials.
 */
export class ApiError extends EcsflowError {
  override readonly name: string = "ApiError";
  override readonly code: string = "API_ERROR";
  constructor(
    message: string,
    readonly status: number,
    readonly detail: unknown,
    readonly method: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export class ObjectNotFoundError extends ApiError {
  override readonly name = "ObjectNotFoundError";
  override readonly code = "NOT_FOUND";
}

/** 422: the body failed validation; `detail` lists `{loc, msg}`. */
export class ApiValidationError extends ApiError {
  override readonly name = "ApiValidationError";
  override readonly code = "VALIDATION";
  /** "body.job_variables.cpu: Input should be of type integer; …" */
  get fieldMessages(): string[] {
    const d = this.detail as { detail?: { loc?: unknown[]; msg?: string }[] } | undefined;
    if (!Array.isArray(d?.detail)) return [];
    return d.detail.map((e) => `${(e.loc ?? []).join(".")}: ${e.msg ?? "invalid"}`);
  }
}

export class ConflictError extends ApiError {
  override readonly name = "ConflictError";
  override readonly code = "CONFLICT";
}

export class UnauthorizedError extends ApiError {
  override readonly name = "UnauthorizedError";
  override readonly code = "UNAUTHORIZED";
}

/** A 5xx (or 429) that persisted through every retry. */
export class ServerError extends ApiError {
  override readonly name = "ServerError";
  override readonly code = "SERVER_ERROR";
}

/** The API could not be reached at all (connection refused, reset, DNS, timeout) after retries. */
export class ApiUnreachableError extends EcsflowError {
  override readonly name = "ApiUnreachableError";
  override readonly code = "UNREACHABLE";
  constructor(
    message: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function errorForStatus(status: number, detail: unknown, method: string, path: string): ApiError {
  const text = describeDetail(detail);
  const message = `${method} ${path} failed with ${status}${text ? `: ${text}` : ""}`;
  if (status === 404) return new ObjectNotFoundError(message, status, detail, method, path);
  if (status === 422 || status === 400) return new ApiValidationError(message, status, detail, method, path);
  if (status === 409) return new ConflictError(message, status, detail, method, path);
  if (status === 401 || status === 403) return new UnauthorizedError(`${method} ${path} was refused (${status}): check the API key or auth string.`, status, detail, method, path);
  if (status >= 500 || status === 429) return new ServerError(message, status, detail, method, path);
  return new ApiError(message, status, detail, method, path);
}

function describeDetail(detail: unknown): string {
  if (detail === undefined || detail === null) return "";
  if (typeof detail === "string") return detail;
  const d = detail as { detail?: unknown; exception_message?: unknown };
  if (typeof d.detail === "string") return d.detail;
  if (Array.isArray(d.detail)) {
    return d.detail
      .map((e: { loc?: unknown[]; msg?: string }) => `${(e.loc ?? []).join(".")}: ${e.msg ?? "invalid"}`)
      .join("; ");
  }
  if (typeof d.exception_message === "string") return d.exception_message;
  return JSON.stringify(detail).slice(0, 500);
}
