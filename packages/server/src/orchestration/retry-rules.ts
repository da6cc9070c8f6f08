import { toTimestamp } from "../timestamps.js";
import { parseJson } from "../models/shared/json-columns.js";
import { completeStateDetails } from "./proposed-state.js";
import type { OrchestrationRule } from "./orchestration-rule.js";
import type { ProposedState, TransitionContext } from "./transition-context.js";

interface RetryPolicy {
  retries?: number | null;
  retry_delay?: number | number[] | null;
}

/** The AwaitingRetry state that replaces a FAILED proposal: SCHEDULED, `delaySeconds` from now. */
function awaitingRetry(ctx: TransitionContext, delaySeconds: number): ProposedState {
  const failed = ctx.proposedState!;
  return {
    type: "SCHEDULED",
    name: "AwaitingRetry",
    message: failed.message,
    data: failed.data,
    state_details: completeStateDetails({ scheduled_time: toTimestamp(ctx.now + delaySeconds * 1000) }),
  };
}

/**
 * `run_count` counts attempts (it went up when the run entered RUNNING): with `retries: 2` the
 * first and second failures are retried, the third is final.
 */
function retriesLeft(ctx: TransitionContext, policy: RetryPolicy): boolean {
  return typeof policy.retries === "number" && ctx.run.run_count <= policy.retries;
}

/** A flow run that fails with retries left is rescheduled as AwaitingRetry (Prefect's RetryFailedFlows). */
export const RetryFailedFlows: OrchestrationRule = {
  name: "RetryFailedFlows",
  fromStates: ["RUNNING"],
  toStates: ["FAILED"],
  beforeTransition(ctx) {
    const policy = parseJson<RetryPolicy>(ctx.run.empirical_policy, {});
    if (!retriesLeft(ctx, policy)) return;
    const delay = typeof policy.retry_delay === "number" ? policy.retry_delay : 0;
    ctx.reject(awaitingRetry(ctx, delay), "Retrying");
  },
};

/**
 * A task run that fails with retries left is rescheduled as AwaitingRetry (Prefect's
 * RetryFailedTasks). `retry_delay` may be a list: the n-th retry waits the n-th delay (the last
 * one once the list runs out). A state marked `retriable: false` (the task's retry condition said
 * no) fails for good.
 */
export const RetryFailedTasks: OrchestrationRule = {
  name: "RetryFailedTasks",
  fromStates: ["RUNNING"],
  toStates: ["FAILED"],
  beforeTransition(ctx) {
    const policy = parseJson<RetryPolicy>(ctx.run.empirical_policy, {});
    if (!retriesLeft(ctx, policy) || ctx.proposedState?.state_details.retriable === false) return;
    const delays = policy.retry_delay;
    const delay = Array.isArray(delays) ? (delays[Math.min(Math.max(ctx.run.run_count - 1, 0), delays.length - 1)] ?? 0) : (delays ?? 0);
    ctx.reject(awaitingRetry(ctx, delay), "Retrying");
  },
};

/** A task run starting again after a first attempt is named "Retrying" (Prefect's RenameReruns). */
export const RenameReruns: OrchestrationRule = {
  name: "RenameReruns",
  fromStates: ["SCHEDULED", "PENDING"],
  toStates: ["RUNNING"],
  beforeTransition(ctx) {
    if (ctx.run.run_count > 0) ctx.rename("Retrying");
  },
};
