import { definedError } from "@ecsflow/schemas";

/**
 * Errors that route handlers and models throw; only plugins/error-handler.ts turns them into HTTP.
 * Each has a stable `code` so tests and clients can branch on it.
 */
export class ObjectNotFoundError extends definedError("ObjectNotFoundError", "NOT_FOUND") {}

/** Bad input that passed the JSON Schema but breaks a rule (unknown reference, invalid template, …). */
export class ValidationFailedError extends definedError("ValidationFailedError", "VALIDATION_FAILED") {
  /**
   * @param errors each with `loc`, a path like ["body", "job_variables", "cpu"], and `msg`.
   */
  constructor(
    message: string,
    readonly errors: { loc: (string | number)[]; msg: string; type?: string }[],
  ) {
    super(message);
  }
}

/** The request conflicts with stored data (e.g. a name that must be unique). */
export class ConflictError extends definedError("ConflictError", "CONFLICT") {}

/** The storage is briefly unavailable (lock contention past its timeout, connection loss). */
export class ServiceUnavailableError extends definedError("ServiceUnavailableError", "UNAVAILABLE") {}

/** The request is understood but not allowed (Prefect's 403, e.g. for reserved work pool names). */
export class ForbiddenError extends definedError("ForbiddenError", "FORBIDDEN") {}

/**
 * Prefect's 422 whose `detail` is a sentence rather than a list of field errors (FastAPI's
 * `HTTPException(422, detail=...)`), e.g. "Invalid limit: must be less than or equal to 200."
 */
export class InvalidRequestError extends definedError("InvalidRequestError", "INVALID_REQUEST") {}

/** Prefect's 400 with a sentence (e.g. moving a block document to another type's schema). */
export class BadRequestError extends definedError("BadRequestError", "BAD_REQUEST") {
  /** The error handler answers any error carrying a 4xx `statusCode` with `{detail: message}`. */
  readonly statusCode = 400;
}

/**
 * Prefect's 423: a concurrency slot is not free now. `retryAfterSeconds`, when known, becomes the
 * Retry-After header, as Prefect's clients wait that long before asking again.
 */
export class LockedError extends definedError("LockedError", "LOCKED") {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
