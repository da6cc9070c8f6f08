/**
 * An error answered to the caller in AWS's own shape: `code` is the AWS error code (the SDK's
 * exception class name, e.g. `ClusterNotFoundException`, or a query code such as `NoSuchEntity`),
 * `httpStatus` the status AWS uses for it. Only the protocol layer turns it into bytes.
 */
export class AwsError extends Error {
  override readonly name = "AwsError";
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
    /** Extra top-level members of the error body (e.g. ConflictException's `resourceIds`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  get isServerFault(): boolean {
    return this.httpStatus >= 500;
  }
}

/** The options given to `startEcsLocal` are inconsistent or malformed. */
export class EcsLocalConfigError extends Error {
  override readonly name = "EcsLocalConfigError";
  readonly code = "ECS_LOCAL_CONFIG_INVALID";
  constructor(
    message: string,
    readonly option: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** State in `--state-dir` cannot be read (corrupt JSON, wrong version). */
export class EcsLocalStateError extends Error {
  override readonly name = "EcsLocalStateError";
  readonly code = "ECS_LOCAL_STATE_UNREADABLE";
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
