/** Errors infrastructures throw; only worker.ts turns them into flow-run states. */

/** The infrastructure named by an infrastructure id does not exist (any more). */
export class InfrastructureNotFoundError extends Error {
  override readonly name = "InfrastructureNotFoundError";
  readonly code = "INFRASTRUCTURE_NOT_FOUND";
  constructor(
    message: string,
    readonly infrastructurePid: string,
  ) {
    super(message);
  }
}

/** This worker cannot act on that infrastructure (another host's process, another cluster). */
export class InfrastructureNotAvailableError extends Error {
  override readonly name = "InfrastructureNotAvailableError";
  readonly code = "INFRASTRUCTURE_NOT_AVAILABLE";
  constructor(
    message: string,
    readonly infrastructurePid: string,
  ) {
    super(message);
  }
}

/** Starting the infrastructure failed; `message` says what to fix. */
export class SubmissionError extends Error {
  override readonly name = "SubmissionError";
  readonly code = "SUBMISSION_FAILED";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
