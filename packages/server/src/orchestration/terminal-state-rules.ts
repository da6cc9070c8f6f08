import { TERMINAL_STATE_TYPES } from "@ecsflow/schemas";
import { parseJson, toJson } from "../models/shared/json-columns.js";
import { ANY_STATE, type OrchestrationRule } from "./orchestration-rule.js";
import type { TransitionContext } from "./transition-context.js";

const TERMINAL = TERMINAL_STATE_TYPES;

/** A COMPLETED state whose result was persisted: leaving it would lose the result's meaning. */
function hasPersistedResult(ctx: TransitionContext): boolean {
  const data = ctx.initialState?.data as { type?: unknown } | null | undefined;
  return ctx.initialState?.type === "COMPLETED" && data !== null && data !== undefined && data.type !== "unpersisted";
}

/**
 * Shared by flow and task runs: a finished run cannot crash, pause or start cancelling; a
 * completed run with a persisted result stays completed; any other departure is a new attempt,
 * whose run count starts again from 0 (so its retries start afresh), as in Prefect.
 */
function handleTerminal(ctx: TransitionContext, completedReason: string): void {
  const initial = ctx.initialState;
  const proposed = ctx.proposedState;
  if (!initial || !proposed) return;
  if (proposed.type === "PAUSED" || proposed.type === "CANCELLING" || proposed.type === "CRASHED") {
    ctx.abort(`Run is already ${initial.type}.`);
    return;
  }
  if (hasPersistedResult(ctx)) {
    ctx.reject(null, completedReason);
    return;
  }
  if (!TERMINAL.includes(proposed.type)) {
    ctx.runUpdates.run_count = 0;
    if (ctx.kind === "flow_run") {
      // A new attempt starts unpaused: forget the pauses of the previous one.
      const policy = parseJson<Record<string, unknown>>(ctx.run.empirical_policy, {});
      if (policy.resuming || (Array.isArray(policy.pause_keys) && policy.pause_keys.length > 0)) {
        ctx.runUpdates.empirical_policy = toJson({ ...policy, resuming: false, pause_keys: [] });
      }
    }
  }
}

/** Prefect's HandleFlowTerminalStateTransitions. */
export const HandleFlowTerminalStateTransitions: OrchestrationRule = {
  name: "HandleFlowTerminalStateTransitions",
  fromStates: TERMINAL,
  toStates: ANY_STATE,
  beforeTransition: (ctx) => handleTerminal(ctx, "This run is already completed."),
};

/** Prefect's HandleTaskTerminalStateTransitions. */
export const HandleTaskTerminalStateTransitions: OrchestrationRule = {
  name: "HandleTaskTerminalStateTransitions",
  fromStates: TERMINAL,
  toStates: ANY_STATE,
  beforeTransition: (ctx) => handleTerminal(ctx, "This run is already completed."),
};
