// RunTask, idempotent per flow-run attempt. The client token is `<flow run id>:<attempt>` (the run's
// run_count), so a repeated submit of the same attempt (a worker restarted between RunTask and
// recording the task) gets the same task back, and a retried run (a new attempt) a new task.
//
// ECS remembers a token's answer, failures included, so a capacity failure (RESOURCE:MEMORY, …)
// is retried under the next token of a fixed sequence (`<id>:<attempt>:1`, `:2`, …): two workers
// submitting the same attempt walk the same sequence and still meet on one task. A token whose
// task had already STOPPED before the run was last scheduled belongs to an earlier scheduling of
// the same attempt number (a run rescheduled before it ever reached RUNNING, so run_count did not
// move): the next token is used. A task of this scheduling is this attempt's, even if it has
// already stopped (its exit is then reported as usual). A ConflictException
// (same token, different request, e.g. another worker's name in the env) names the task that
// already exists for the token: that task is this attempt's.
//
// Throttling and AWS's 5xx are retried with the same token, with backoff and jitter, within a
// time budget; capacity failures within an attempt budget. Then the run fails with the reason and
// what to change.

import { DescribeTasksCommand, RunTaskCommand, type Failure, type RunTaskCommandInput, type Task } from "@aws-sdk/client-ecs";
import type { Logger } from "pino";
import { SubmissionError } from "../../errors.js";
import type { AwsClientSet } from "./aws-clients.js";
import { describeAwsError, errorName, isThrottlingError, isTransientError, runTaskErrorToSubmissionError, safeCause } from "./aws-errors.js";
import { backoffDelayMs, sleep, type BackoffPolicy } from "./retry-with-backoff.js";
import type { SecretMasker } from "./secret-masker.js";

export interface RunTaskPolicy {
  /** Retries of capacity failures (RESOURCE:*, AGENT, Fargate capacity): attempts and delays. */
  failures: BackoffPolicy;
  /** Retries of throttling and 5xx: delays, and the time budget for all retries. */
  throttling: BackoffPolicy;
}

export const DEFAULT_RUN_TASK_POLICY: RunTaskPolicy = {
  failures: { maxAttempts: 6, baseDelayMs: 2_000, maxDelayMs: 30_000, budgetMs: 5 * 60_000 },
  throttling: { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 500, maxDelayMs: 10_000, budgetMs: 15 * 60_000 },
};

/** `<flow run id>:<attempt>` and its successors; ≤ 64 printable characters, as ECS requires. */
export function clientTokenFor(flowRunId: string, attempt: number, index: number): string {
  const base = `${flowRunId}:${attempt}`;
  return (index === 0 ? base : `${base}:${index}`).slice(0, 64);
}

/** Capacity that may free up: worth retrying. Others (ATTRIBUTE, MISSING, …) will not change. */
export function isRetryableFailure(reason: string): boolean {
  return /^RESOURCE:/i.test(reason) || /^AGENT$/i.test(reason) || /capacity is unavailable|insufficient capacity|throttl|rate exceeded/i.test(reason);
}

/** What a RunTask failure means and what to change. */
export function explainRunTaskFailure(failure: Failure, request: RunTaskCommandInput): string {
  const reason = failure.reason ?? "unknown";
  const detail = failure.detail ? ` (${failure.detail})` : "";
  const cluster = request.cluster ?? "default";
  if (/^RESOURCE:MEMORY/i.test(reason)) return `${reason}${detail}: no container instance in cluster "${cluster}" has enough free memory for this task. Add EC2 capacity (or a capacity provider with managed scaling) or lower the \`memory\` job variable.`;
  if (/^RESOURCE:CPU/i.test(reason)) return `${reason}${detail}: no container instance in cluster "${cluster}" has enough free CPU for this task. Add EC2 capacity or lower the \`cpu\` job variable.`;
  if (/^RESOURCE:PORTS/i.test(reason)) return `${reason}${detail}: the ports the task maps are taken on every container instance; use awsvpc networking or dynamic host ports.`;
  if (/^RESOURCE:ENI/i.test(reason)) return `${reason}${detail}: the container instances have no free network interfaces (awsvpc); enable ENI trunking or add instances.`;
  if (/^AGENT$/i.test(reason)) return `${reason}${detail}: the ECS agent on the container instance is disconnected; check the instances of cluster "${cluster}".`;
  if (/^ATTRIBUTE/i.test(reason)) return `${reason}${detail}: no container instance meets the task definition's required attributes or placement constraints.`;
  if (/^MISSING$/i.test(reason)) return `${reason}${detail}: the container instance ECS chose no longer exists.`;
  if (/capacity is unavailable/i.test(reason)) return `${reason}${detail}: Fargate has no capacity for this task size in the subnets' Availability Zones right now; add subnets in more zones or retry later.`;
  return `${reason}${detail}`;
}

export interface RunTaskContext {
  flowRunId: string;
  attempt: number;
  policy: RunTaskPolicy;
  /** When the run was last scheduled: stopped tasks created before it are an earlier scheduling's. */
  notBefore?: Date;
  log: Logger;
  masker: SecretMasker;
  random?: () => number;
}

export function isEarlierScheduling(task: Task, notBefore: Date | undefined): boolean {
  return task.lastStatus === "STOPPED" && notBefore !== undefined && task.createdAt !== undefined && new Date(task.createdAt).getTime() < notBefore.getTime();
}

async function describeExisting(clients: AwsClientSet, cluster: string | undefined, arns: string[]): Promise<Task | undefined> {
  const out = await clients.ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(0, 100), include: ["TAGS"] }));
  return out.tasks?.[0];
}

/** Starts this attempt's task (or finds the one already started for it); throws SubmissionError when it cannot. */
export async function runTask(clients: AwsClientSet, request: RunTaskCommandInput, ctx: RunTaskContext): Promise<Task> {
  const random = ctx.random ?? Math.random;
  const started = Date.now();
  let tokenIndex = 0;
  let failureRetries = 0;
  let throttleRetries = 0;
  let lastFailure: string | undefined;
  while (true) {
    const clientToken = clientTokenFor(ctx.flowRunId, ctx.attempt, tokenIndex);
    let out;
    try {
      out = await clients.ecs.send(new RunTaskCommand({ ...request, clientToken }));
    } catch (err) {
      const resourceIds = (err as { resourceIds?: string[] }).resourceIds ?? [];
      if (errorName(err) === "ConflictException") {
        const existing = resourceIds.length > 0 ? await describeExisting(clients, request.cluster, resourceIds) : undefined;
        if (existing && !isEarlierScheduling(existing, ctx.notBefore)) {
          ctx.log.info({ clientToken, taskArn: existing.taskArn }, "this attempt's task already exists (same client token); using it");
          return existing;
        }
        tokenIndex++;
        continue;
      }
      if (!isTransientError(err)) throw runTaskErrorToSubmissionError(err, request, ctx.masker);
      throttleRetries++;
      const delay = backoffDelayMs(ctx.policy.throttling, Math.min(throttleRetries, 20), random);
      if (throttleRetries >= ctx.policy.throttling.maxAttempts || Date.now() + delay - started > ctx.policy.throttling.budgetMs) {
        throw new SubmissionError(
          `Could not start the ECS task: AWS kept refusing RunTask for ${Math.round((Date.now() - started) / 1000)} s (${describeAwsError(err, ctx.masker)}). ${
            isThrottlingError(err)
              ? "The account's RunTask or Fargate launch rate is exhausted (RunTask 40/s, Fargate launches 20/s per Region): run fewer workers or lower their concurrency (--limit), or ask AWS for a higher quota."
              : "ECS looks unavailable; the run can be retried."
          }`,
          { cause: safeCause(err, ctx.masker) },
        );
      }
      ctx.log.debug({ attempt: throttleRetries, delayMs: delay, error: describeAwsError(err, ctx.masker) }, "RunTask throttled or failed transiently; retrying");
      await sleep(delay);
      continue;
    }
    const task = out.tasks?.[0];
    if (task) {
      if (isEarlierScheduling(task, ctx.notBefore)) {
        ctx.log.info({ clientToken, taskArn: task.taskArn }, "the client token's task stopped before the run was last scheduled (an earlier scheduling); starting a new task");
        tokenIndex++;
        continue;
      }
      return task;
    }
    const failure: Failure = out.failures?.[0] ?? { reason: "RunTask returned neither a task nor a failure" };
    lastFailure = explainRunTaskFailure(failure, request);
    const retryable = isRetryableFailure(failure.reason ?? "") || !out.failures?.length;
    failureRetries++;
    const delay = backoffDelayMs(ctx.policy.failures, failureRetries, random);
    if (!retryable || failureRetries >= ctx.policy.failures.maxAttempts || Date.now() + delay - started > ctx.policy.failures.budgetMs) {
      throw new SubmissionError(
        `Could not start the ECS task${retryable ? ` after ${failureRetries} attempts` : ""}: ${lastFailure}`,
      );
    }
    ctx.log.warn({ attempt: failureRetries, delayMs: delay, reason: failure.reason }, "RunTask could not place the task; retrying");
    tokenIndex++;
    await sleep(delay);
  }
}
