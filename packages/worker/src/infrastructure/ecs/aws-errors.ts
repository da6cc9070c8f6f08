// AWS SDK errors, read by `name`, `$fault` and `$metadata.httpStatusCode` (the SDK's own guidance),
// and turned into ecsflow's errors with a plain cause and what to fix.

import { SubmissionError } from "../../errors.js";
import type { SecretMasker } from "./secret-masker.js";

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
  resourceIds?: string[];
}

const asSdk = (err: unknown): SdkErrorLike => (err && typeof err === "object" ? (err as SdkErrorLike) : {});

const THROTTLING_NAMES = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "RequestThrottled",
  "RequestThrottledException",
  "EC2ThrottledException",
  "LimitExceededException",
]);

export function errorName(err: unknown): string {
  return asSdk(err).name ?? "Error";
}

export function errorMessage(err: unknown): string {
  const e = asSdk(err);
  return e.message ?? String(err);
}

/** AWS said "slow down" (any service's spelling, or HTTP 429). */
export function isThrottlingError(err: unknown): boolean {
  const e = asSdk(err);
  return THROTTLING_NAMES.has(e.name ?? "") || e.$metadata?.httpStatusCode === 429 || e.$retryable?.throttling === true || /rate exceeded/i.test(e.message ?? "");
}

/** RegisterTaskDefinition's ClientException when revisions of one family are created too fast. */
export function isTooManyConcurrentAttempts(err: unknown): boolean {
  return /too many concurrent attempts/i.test(asSdk(err).message ?? "");
}

/** Worth another attempt later: throttling, AWS's 5xx, timeouts and dropped connections. */
export function isTransientError(err: unknown): boolean {
  const e = asSdk(err);
  if (isThrottlingError(err) || isTooManyConcurrentAttempts(err)) return true;
  if (e.$fault === "server" || (e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  const code = e.code ?? e.name ?? "";
  return ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "TimeoutError", "RequestTimeout", "EAI_AGAIN", "ServerException"].includes(code);
}

/** StopTask/DescribeTasks: the task (or its cluster) is not there. */
export function isTaskNotFound(err: unknown): boolean {
  const e = asSdk(err);
  if (e.name === "ClusterNotFoundException") return true;
  return e.name === "InvalidParameterException" && /task.*not (be )?found|not found.*task/i.test(e.message ?? "");
}

/**
 * An AWS error reduced to its name, message and HTTP status, for an ecsflow error's `cause`: the
 * SDK's error holds the raw HTTP exchange (signed headers, a session token), which must never reach
 * a log line.
 */
export function safeCause(err: unknown, masker?: SecretMasker): Error {
  const e = asSdk(err);
  const out = new Error(masker ? masker.mask(errorMessage(err)) : errorMessage(err));
  out.name = errorName(err);
  if (e.$metadata?.httpStatusCode !== undefined) Object.assign(out, { httpStatusCode: e.$metadata.httpStatusCode });
  return out;
}

/** "Name: message", with every known secret masked. */
export function describeAwsError(err: unknown, masker?: SecretMasker): string {
  const text = `${errorName(err)}: ${errorMessage(err).replace(/\.+$/, "")}`;
  return masker ? masker.mask(text) : text;
}

/**
 * RunTask refused the request: say why in plain words and what to change (Prefect's
 * _report_task_run_creation_failure, extended).
 */
export function runTaskErrorToSubmissionError(err: unknown, request: { cluster?: string; launchType?: string }, masker: SecretMasker): SubmissionError {
  const cause = describeAwsError(err, masker);
  const name = errorName(err);
  const lower = cause.toLowerCase();
  const cluster = request.cluster ?? "default";
  let advice: string;
  if (name === "ClusterNotFoundException") {
    advice = `The ECS cluster "${cluster}" was not found. Check the \`cluster\` job variable and that the worker uses the cluster's Region.`;
  } else if (lower.includes("no container instances")) {
    advice = `The cluster "${cluster}" has no EC2 container instances for launch type ${request.launchType ?? "EC2"}. Add instances (or a capacity provider) to the cluster, or use launch_type FARGATE.`;
  } else if (lower.includes("taskdefinition is inactive") || lower.includes("task definition is inactive")) {
    advice = "The task definition is INACTIVE (deregistered). Register it again, or remove `task_definition_arn` so that the worker registers one.";
  } else if (lower.includes("taskdefinition not found") || lower.includes("unable to describe task definition")) {
    advice = "The task definition does not exist in this account and Region. Check `task_definition_arn`.";
  } else if (lower.includes("capacity provider") || lower.includes("no capacity")) {
    advice = "The capacity provider strategy does not fit the cluster: every capacity provider named must be associated with the cluster (FARGATE and FARGATE_SPOT included), and capacity must be available.";
  } else if (lower.includes("launch type") && lower.includes("capacity provider strategy")) {
    advice = "A launch type and a capacity provider strategy cannot be sent together.";
  } else if (name === "InvalidParameterException" && /subnet|security group|network/.test(lower)) {
    advice = "The network configuration is invalid: the subnets and security groups must exist in the worker's Region and belong to one VPC (see `vpc_id` and `network_configuration`).";
  } else if (name === "AccessDeniedException" || lower.includes("not authorized") || lower.includes("iam:passrole")) {
    advice = "The worker's AWS identity may not run this task: it needs ecs:RunTask on the task definition and iam:PassRole on the task and execution roles.";
  } else if (lower.includes("no fargate configuration exists")) {
    advice = "This cpu/memory pair is not a Fargate task size; see the Fargate task size table in the AWS documentation (e.g. cpu 1024 with memory 2048–8192).";
  } else if (name === "ConflictException") {
    advice = "A RunTask with the same client token but different parameters was already made; this attempt's task already exists.";
  } else {
    advice = "ECS refused the RunTask request; see the cause.";
  }
  return new SubmissionError(`Could not start the ECS task: ${advice} (${cause})`, { cause: safeCause(err, masker) });
}
