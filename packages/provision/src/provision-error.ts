/**
 * Why provisioning stopped, in words that name the resource (and, for AWS refusals, the call), so
 * the user knows what to fix. `unreachable` separates "AWS/the API did not answer" from "refused".
 */
export class ProvisionError extends Error {
  override readonly name = "ProvisionError";
  constructor(
    message: string,
    readonly unreachable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface SdkErrorLike {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The SDK error's name (AWS's error code), or undefined when it is not an AWS answer. */
export function awsErrorCode(err: unknown): string | undefined {
  const e = err as SdkErrorLike | undefined;
  return e && typeof e === "object" && e.$metadata?.httpStatusCode !== undefined ? e.name : undefined;
}

const DENIED = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess", "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException"]);

/** Wraps an AWS failure of `operation` on `resource` as a ProvisionError naming both. */
export function explainAwsError(err: unknown, operation: string, resource: string): ProvisionError {
  if (err instanceof ProvisionError) return err;
  const e = (err ?? {}) as SdkErrorLike;
  const code = awsErrorCode(err);
  if (code === undefined) {
    return new ProvisionError(`${operation} for ${resource} got no answer from AWS: ${e.message ?? String(err)}`, true, { cause: err });
  }
  if (DENIED.has(code)) {
    return new ProvisionError(`Not allowed to ${operation} (${resource}): ${e.message ?? code}. The AWS identity running provision needs this permission.`, false, { cause: err });
  }
  return new ProvisionError(`${operation} for ${resource} failed: ${code}: ${e.message ?? ""}`.trim(), false, { cause: err });
}

/** Runs one AWS call; a failure becomes a ProvisionError naming the operation and the resource. */
export async function aws<T>(operation: string, resource: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw explainAwsError(err, operation, resource);
  }
}

/** Runs one AWS call whose "not found" answer (any of `notFound` codes) means undefined. */
export async function awsOrMissing<T>(operation: string, resource: string, notFound: string[], call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    const code = awsErrorCode(err);
    if (code !== undefined && notFound.includes(code)) return undefined;
    throw explainAwsError(err, operation, resource);
  }
}
