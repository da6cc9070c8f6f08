import { ANY_STATE, type OrchestrationRule, type UniversalTransform } from "./orchestration-rule.js";
import { CacheInsertion, CacheRetrieval } from "./cache-rules.js";
import type { RunKind } from "./transition-context.js";
import { BypassCancellingFlowRunsWithNoInfra, EnforceCancellingToCancelledTransition } from "./cancellation-rules.js";
import { SecureFlowConcurrencySlots } from "./deployment-concurrency-rule.js";
import { EnsureOnlyScheduledFlowsMarkedLate, HandlePausingFlows, HandleResumingPausedFlows } from "./pause-rules.js";
import { RenameReruns, RetryFailedFlows, RetryFailedTasks } from "./retry-rules.js";
import { ReleaseTaskConcurrencySlots, SecureTaskConcurrencySlots } from "./task-concurrency-rules.js";
import { HandleFlowTerminalStateTransitions, HandleTaskTerminalStateTransitions } from "./terminal-state-rules.js";

/**
 * ecsflow's orchestration rules, after Prefect's `core_policy.py`. Each rule is one small object
 * that reads alone; the policies at the bottom order them. `force: true` skips the policies
 * (the bookkeeping in run-bookkeeping.ts still applies).
 */

/**
 * A client that retries a request whose response it lost sends the same `transition_id`
 * again: answer with the state it already reached instead of a second transition.
 */
export const PreventDuplicateTransitions: OrchestrationRule = {
  name: "PreventDuplicateTransitions",
  fromStates: ANY_STATE,
  toStates: ANY_STATE,
  beforeTransition(ctx) {
    const current = ctx.initialState?.state_details.transition_id;
    const proposed = ctx.proposedState?.state_details.transition_id;
    if (current && proposed && current === proposed) ctx.reject(null, "This run has already made this state transition.");
  },
};

/**
 * The claim: a worker moves a run to PENDING before it submits it, so of two workers racing
 * for one run the second sees PENDING → PENDING and is aborted. A run already RUNNING (or being
 * cancelled, or cancelled) must not be submitted again either. Unlike Prefect, a run that has
 * finished (COMPLETED, FAILED, CRASHED) cannot be claimed either: a worker acting on a poll that
 * listed the run while it was still SCHEDULED would otherwise launch it a second time after
 * another worker ran it to the end. A new attempt goes through SCHEDULED (a retry's
 * AwaitingRetry, or a user's reschedule), which a worker then claims. As in Prefect, PENDING → PENDING
 * is allowed when it only advances to a differently named sub-state (Pending → "Submitting"),
 * keeping the scheduled time the first PENDING copied.
 */
export const PreventPendingTransitions: OrchestrationRule = {
  name: "PreventPendingTransitions",
  fromStates: ["PENDING", "CANCELLING", "RUNNING", "CANCELLED", "COMPLETED", "FAILED", "CRASHED"],
  toStates: ["PENDING"],
  beforeTransition(ctx) {
    const initial = ctx.initialState;
    const proposed = ctx.proposedState;
    if (!initial || !proposed) return;
    if (initial.type === "PENDING" && initial.name !== proposed.name && proposed.name !== "Pending") {
      proposed.state_details.scheduled_time = initial.state_details.scheduled_time ?? null;
      proposed.state_details.deployment_concurrency_lease_id = initial.state_details.deployment_concurrency_lease_id ?? null;
      return;
    }
    ctx.abort(`This run is in a ${initial.type} state and cannot transition to a PENDING state.`);
  },
};

/** A run leaving SCHEDULED for PENDING keeps its scheduled time unless the new state names one. */
export const CopyScheduledTime: OrchestrationRule = {
  name: "CopyScheduledTime",
  fromStates: ["SCHEDULED"],
  toStates: ["PENDING"],
  beforeTransition(ctx) {
    const proposed = ctx.proposedState;
    if (!ctx.initialState || !proposed) return;
    if (!proposed.state_details.scheduled_time) proposed.state_details.scheduled_time = ctx.initialState.state_details.scheduled_time ?? null;
  },
};

/**
 * A run may not start before its scheduled time by the server's clock: the client is told to
 * wait and propose RUNNING again. Delays round to whole seconds as in Prefect (under half a
 * second is not worth a wait).
 */
export const WaitForScheduledTime: OrchestrationRule = {
  name: "WaitForScheduledTime",
  fromStates: ["SCHEDULED", "PENDING"],
  toStates: ["RUNNING"],
  beforeTransition(ctx) {
    const scheduled = ctx.initialState?.state_details.scheduled_time;
    if (!scheduled) return;
    const delay = (Date.parse(scheduled) - ctx.now) / 1000;
    const delaySeconds = Math.floor(delay) + Math.round(delay - Math.floor(delay));
    if (delaySeconds > 0) ctx.wait(delaySeconds, "Scheduled time is in the future");
  },
};

/** A task run records which attempt of its flow run it belongs to when it starts running. */
export const UpdateFlowRunTrackerOnTasks: OrchestrationRule = {
  name: "UpdateFlowRunTrackerOnTasks",
  fromStates: ANY_STATE,
  toStates: ["RUNNING"],
  async beforeTransition(ctx) {
    if (ctx.kind !== "task_run" || !("flow_run_id" in ctx.run) || !ctx.run.flow_run_id) return;
    const flowRun = await ctx.db.selectFrom("flow_run").select("run_count").where("id", "=", ctx.run.flow_run_id).executeTakeFirst();
    if (!flowRun) {
      ctx.abort(`Unable to read flow run associated with task run: ${ctx.run.id}, this flow run might have been deleted`);
      return;
    }
    ctx.runUpdates.flow_run_run_count = flowRun.run_count;
  },
};

/**
 * Rules for flow-run transitions, in the order they apply (Prefect's CoreFlowPolicy order:
 * terminal and cancellation rules before the claim, retries last).
 */
export const CORE_FLOW_POLICY: readonly OrchestrationRule[] = [
  PreventDuplicateTransitions,
  HandleFlowTerminalStateTransitions,
  EnforceCancellingToCancelledTransition,
  BypassCancellingFlowRunsWithNoInfra,
  PreventPendingTransitions,
  SecureFlowConcurrencySlots,
  EnsureOnlyScheduledFlowsMarkedLate,
  HandlePausingFlows,
  HandleResumingPausedFlows,
  CopyScheduledTime,
  WaitForScheduledTime,
  RetryFailedFlows,
];

/**
 * Rules for task-run transitions, in the order they apply (Prefect does not claim task runs). The
 * cache is looked up first, so a cached task completes even while its tags' slots are all held.
 */
export const CORE_TASK_POLICY: readonly OrchestrationRule[] = [
  CacheRetrieval,
  HandleTaskTerminalStateTransitions,
  SecureTaskConcurrencySlots,
  CopyScheduledTime,
  WaitForScheduledTime,
  RetryFailedTasks,
  RenameReruns,
  UpdateFlowRunTrackerOnTasks,
  CacheInsertion,
];

export function corePolicy(kind: RunKind): readonly OrchestrationRule[] {
  return kind === "flow_run" ? CORE_FLOW_POLICY : CORE_TASK_POLICY;
}

/** Transforms that apply to every written transition of the kind, forced ones included (Prefect's MinimalTaskPolicy). */
export function universalTransforms(kind: RunKind): readonly UniversalTransform[] {
  return kind === "task_run" ? [ReleaseTaskConcurrencySlots] : [];
}
