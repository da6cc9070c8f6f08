import { parseJson, toJson } from "../models/shared/json-columns.js";
import { completeStateDetails } from "./proposed-state.js";
import { ANY_STATE, type OrchestrationRule } from "./orchestration-rule.js";

/**
 * Prefect's HandlePausingFlows, the cheap part: a pause with a key fires once per attempt (a
 * flow re-executing the same `pause_flow_run` after resuming does not pause again), and a pause
 * that reschedules the run needs a deployment for a worker to start it again.
 */
export const HandlePausingFlows: OrchestrationRule = {
  name: "HandlePausingFlows",
  fromStates: ["RUNNING"],
  toStates: ["PAUSED"],
  beforeTransition(ctx) {
    const proposed = ctx.proposedState!;
    const key = proposed.state_details.pause_key;
    const policy = parseJson<{ pause_keys?: string[] | null }>(ctx.run.empirical_policy, {});
    const keys = policy.pause_keys ?? [];
    if (key) {
      if (keys.includes(key)) {
        ctx.reject(null, "This pause has already fired.");
        return;
      }
    }
    if (proposed.state_details.pause_reschedule && !("deployment_id" in ctx.run && ctx.run.deployment_id)) {
      ctx.reject(null, "Cannot pause flows without a deployment with the reschedule option.");
      return;
    }
    if (key) ctx.runUpdates.empirical_policy = toJson({ ...policy, pause_keys: [...keys, key] });
  },
};

/**
 * Prefect's HandleResumingPausedFlows: a paused run resumes to RUNNING or SCHEDULED (or ends);
 * once its pause timeout has passed it can only fail. A resume marks the run `resuming`.
 */
export const HandleResumingPausedFlows: OrchestrationRule = {
  name: "HandleResumingPausedFlows",
  fromStates: ["PAUSED"],
  toStates: ANY_STATE.filter((type) => type !== "PAUSED" && type !== null),
  beforeTransition(ctx) {
    const initial = ctx.initialState!;
    const proposed = ctx.proposedState!;
    const allowed = ["RUNNING", "SCHEDULED", "COMPLETED", "FAILED", "CANCELLED", "CRASHED", "CANCELLING"];
    if (!allowed.includes(proposed.type)) {
      ctx.reject(null, `This run cannot transition to the ${proposed.type} state from the ${initial.type} state.`);
      return;
    }
    if (initial.state_details.pause_reschedule && !("deployment_id" in ctx.run && ctx.run.deployment_id)) {
      ctx.reject(null, "Cannot reschedule a paused flow run without a deployment.");
      return;
    }
    const timeout = initial.state_details.pause_timeout;
    const ending = proposed.type !== "RUNNING" && proposed.type !== "SCHEDULED";
    if (!ending && timeout && Date.parse(timeout) < ctx.now) {
      const message = "The flow was paused and never resumed.";
      ctx.reject({ type: "FAILED", name: "Failed", message, data: null, state_details: completeStateDetails({}) }, "The flow run pause has timed out and can no longer resume.");
      return;
    }
    // Resuming (PAUSED → RUNNING, or PAUSED → SCHEDULED for a worker to start it again) goes on
    // with the same attempt: the bookkeeping does not count the RUNNING it leads to as a new run,
    // and clears the flag on that RUNNING (or on a final state, if the run never gets there).
    if (!ending) {
      const policy = parseJson<Record<string, unknown>>((ctx.runUpdates.empirical_policy as string | undefined) ?? ctx.run.empirical_policy, {});
      ctx.runUpdates.empirical_policy = toJson({ ...policy, resuming: true });
    }
  },
};

/** Only a SCHEDULED run can become Late (a late-runs pass racing a claim must not undo it). */
export const EnsureOnlyScheduledFlowsMarkedLate: OrchestrationRule = {
  name: "EnsureOnlyScheduledFlowsMarkedLate",
  fromStates: ANY_STATE.filter((type) => type !== "SCHEDULED" && type !== null),
  toStates: ["SCHEDULED"],
  beforeTransition(ctx) {
    if (ctx.proposedState?.name === "Late") ctx.reject(null, "Only scheduled flows can be marked late.");
  },
};
