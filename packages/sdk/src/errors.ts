import { EcsflowError } from "@ecsflow/client";

// The API's errors (ApiError and its kinds, ApiUnreachableError) and these share one base,
// EcsflowError, defined with the client; `import { … } from "ecsflow"` offers all of them.
export { ApiError, ApiUnreachableError, ApiValidationError, ConflictError, EcsflowError, ObjectNotFoundError, ServerError, UnauthorizedError } from "@ecsflow/client";

/** Errors the SDK itself raises (not the API's); each has a fixed `name` and a stable `code`. */
export class SdkError extends EcsflowError {
  override readonly name: string = "SdkError";
  override readonly code: string = "SDK_ERROR";
}

/** A flow's parameters do not fit its schema; `issues` name each field. */
export class ParameterValidationError extends SdkError {
  override readonly name = "ParameterValidationError";
  override readonly code = "PARAMETERS_INVALID";
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
  }
}

/** A flow or task ran longer than its `timeoutSeconds`. */
export class RunTimeoutError extends SdkError {
  override readonly name = "RunTimeoutError";
  override readonly code = "TIMED_OUT";
}

/** The run was cancelled (its flow run went CANCELLING, or the caller aborted). */
export class RunCancelledError extends SdkError {
  override readonly name = "RunCancelledError";
  override readonly code = "CANCELLED";
}

/** The API refused to let the run start or go on (ABORT, or a REJECT the SDK cannot follow). */
export class RunAbortedError extends SdkError {
  override readonly name = "RunAbortedError";
  override readonly code = "ABORTED";
}

/** The entrypoint could not be loaded or does not name a flow. */
export class EntrypointError extends SdkError {
  override readonly name = "EntrypointError";
  override readonly code = "ENTRYPOINT";
}

/** The process was told to stop (SIGTERM) without a cancellation request: the run ends CRASHED. */
export class RunCrashedError extends SdkError {
  override readonly name = "RunCrashedError";
  override readonly code = "CRASHED";
}
